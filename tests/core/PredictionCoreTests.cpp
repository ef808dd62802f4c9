#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/prediction/AxisTiling.h"
#include "core/prediction/ModelManifest.h"
#include "core/prediction/Resample.h"
#include "core/util/Errors.h"
#include "core/util/Sha256.h"
#include "tests/support/TempDir.h"

using namespace rfx;

TEST_CASE("SHA-256 matches the FIPS test vectors and sha256sum", "[prediction][sha256]")
{
    auto hex = [](const std::string& s) {
        Sha256 h;
        h.update(s.data(), s.size());
        return h.hexDigest();
    };
    CHECK(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    test::TempDir dir;
    const std::string f = dir.file("blob.bin");
    {
        std::ofstream out(f, std::ios::binary);
        for (int i = 0; i < 300000; ++i)
            out.put(static_cast<char>(i * 7 + 3));
    }
    if (std::system("command -v sha256sum >/dev/null") == 0) {
        const std::string cmd = "sha256sum " + f + " > " + dir.file("sum.txt");
        REQUIRE(std::system(cmd.c_str()) == 0);
        std::ifstream in(dir.file("sum.txt"));
        std::string expected;
        in >> expected;
        CHECK(sha256File(f) == expected);
    }
}

TEST_CASE("Axis tiling covers every voxel with weights that sum to one in overlaps", "[prediction][tiling]")
{
    for (std::size_t n : {1u, 7u, 64u, 65u, 100u, 257u, 512u}) {
        for (double overlap : {0.0, 0.25, 0.5}) {
            const AxisTiling t = planAxis(n, 64, overlap);
            REQUIRE(t.paddedLength() >= t.patch);
            REQUIRE((t.paddedLength() - t.patch) % t.stride == 0);
            REQUIRE(t.start(t.count - 1) + t.patch == t.paddedLength());
            std::vector<double> sum(t.paddedLength(), 0.0);
            for (std::size_t i = 0; i < t.count; ++i)
                for (std::size_t k = 0; k < t.patch; ++k)
                    sum[t.start(i) + k] += t.weight[k];
            for (std::size_t v = 0; v < n; ++v) {
                INFO("n=" << n << " overlap=" << overlap << " voxel " << v);
                REQUIRE(sum[t.padBefore + v] > 0.0);
            }
            // Between the outer ramps of the first and last patch the weights are a partition of unity
            // (no seams); near the volume's borders one patch alone contributes and is normalised.
            if (t.count > 1)
                for (std::size_t p = t.overlap - t.margin; p + t.overlap - t.margin < t.paddedLength(); ++p) {
                    INFO("n=" << n << " overlap=" << overlap << " padded " << p);
                    REQUIRE(sum[p] == Approx(1.0).margin(1e-6));
                }
        }
    }
    const AxisTiling t = planAxis(512, 128, 0.5);
    CHECK(t.overlap == 64);
    CHECK(t.margin == 16);
    CHECK(t.weight[0] == 0.0f);
    CHECK(t.weight[15] == 0.0f);
    CHECK(t.weight[16] > 0.0f);
    CHECK(t.weight[64] == 1.0f);
}

TEST_CASE("Mirror indices reflect about the edge voxels", "[prediction][tiling]")
{
    const std::vector<std::size_t> expect{3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1, 0};  // d c b | a b c d e | d c b a
    for (int i = -3; i < 9; ++i)
        CHECK(mirrorIndex(i, 5) == expect[static_cast<std::size_t>(i + 3)]);
    CHECK(mirrorIndex(-100, 1) == 0);
}

TEST_CASE("Trilinear resampling keeps linear ramps and the physical extent", "[prediction][resample]")
{
    Grid g;
    g.shape = {4, 10, 20};
    g.spacing_um = {0.4, 0.3, 0.15};
    Volume v = Volume::zeros<float>(g);
    for (std::size_t z = 0; z < 4; ++z)
        for (std::size_t y = 0; y < 10; ++y)
            for (std::size_t x = 0; x < 20; ++x)
                v.at<float>(z, y, x) = float(0.15 * x + 2.0 * y);
    Grid target = g;
    target.spacing_um = {0.2, 0.15, 0.15};
    target.shape = resampledShape(g, target.spacing_um);
    CHECK(target.shape == std::array<std::size_t, 3>{8, 20, 20});
    Volume r = resampleTrilinear(v, target);
    // Interior values follow the same linear function of physical position.
    for (std::size_t y = 2; y < 18; ++y) {
        const double yPhys = (y + 0.5) * 0.15;           // from the volume's edge
        const double ySrc = yPhys / 0.3 - 0.5;           // source index
        CHECK(r.at<float>(3, y, 7) == Approx(0.15 * 7 + 2.0 * ySrc).margin(1e-4));
    }
    CHECK_FALSE(needsResampling({0.2, 0.15, 0.15}, {0.2, 0.15, 0.1505}));
    CHECK(needsResampling({0.2, 0.15, 0.15}, {0.2, 0.155, 0.155}));
}

TEST_CASE("Model manifests are validated with clear messages", "[prediction][manifest]")
{
    test::TempDir dir;
    const std::string model = dir.file("model.pt");
    std::ofstream(model) << "weights";
    nlohmann::json good = {{"name", "m"},
                           {"task", "fluorescence"},
                           {"files", {{{"path", "model.pt"}, {"outputs", {"nucleus", "actin"}}}}},
                           {"input", {{"voxel_size_um", {0.2, 0.15, 0.15}}, {"clip", {1.337, 1.39}}, {"patch", {8, 32, 32}}}},
                           {"sha256", {{"model.pt", sha256File(model)}}}};
    auto write = [&](const nlohmann::json& j) { std::ofstream(dir.file("model.json")) << j.dump(); };
    write(good);
    ModelManifest m = loadModelManifest(dir.path());
    CHECK(m.outputs() == std::vector<std::string>{"nucleus", "actin"});
    CHECK(m.patch == std::array<std::size_t, 3>{8, 32, 32});
    CHECK_NOTHROW(verifyModelChecksums(m));

    auto unbounded = good;
    unbounded["output_range"] = nullptr;
    write(unbounded);
    CHECK(std::isinf(loadModelManifest(dir.path()).outputRange[1]));
    write(good);

    std::ofstream(model) << "tampered";
    CHECK_THROWS_WITH(verifyModelChecksums(m), Catch::Contains("checksum mismatch"));

    auto broken = good;
    broken.erase("sha256");
    write(broken);
    CHECK_THROWS_WITH(loadModelManifest(dir.path()), Catch::Contains("missing required key 'sha256'"));
    broken = good;
    broken["task"] = "poetry";
    write(broken);
    CHECK_THROWS_WITH(loadModelManifest(dir.path()), Catch::Contains("unknown task"));
    broken = good;
    broken["input"]["patch"] = {8, 32};
    write(broken);
    CHECK_THROWS_AS(loadModelManifest(dir.path()), InputError);
    broken = good;
    broken["files"][0]["path"] = "../elsewhere.pt";
    write(broken);
    CHECK_THROWS_WITH(loadModelManifest(dir.path()), Catch::Contains("inside the package"));
    std::ofstream(dir.file("model.json")) << "{ not json";
    CHECK_THROWS_WITH(loadModelManifest(dir.path()), Catch::Contains("invalid JSON"));
    CHECK_THROWS_WITH(loadModelManifest(dir.file("nowhere")), Catch::Contains("not found"));
}
