#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "core/synth/CellFieldGenerator.h"
#include "core/synth/SynthFilters.h"
#include "core/synth/SynthRandom.h"

using namespace rfx;

namespace {
CellFieldParams smallParams(std::uint64_t seed = 1)
{
    CellFieldParams p;
    p.shape = {32, 128, 128};
    p.cells = 4;
    p.seed = seed;
    return p;
}

bool sameBytes(const Volume& a, const Volume& b)
{
    return a.bytes() == b.bytes() && std::memcmp(a.raw(), b.raw(), a.bytes()) == 0;
}

std::set<int> labelIds(const Volume& v)
{
    std::set<int> ids;
    const auto* d = v.data<std::int32_t>();
    for (std::size_t i = 0; i < v.voxels(); ++i)
        if (d[i])
            ids.insert(d[i]);
    return ids;
}

const CellTruth* truthOf(const CellField& f, int id, int frame)
{
    for (const auto& c : f.cells)
        if (c.id == id && c.frame == frame)
            return &c;
    return nullptr;
}
} // namespace

TEST_CASE("Synthetic cell fields are deterministic per seed", "[synth]")
{
    const CellField a = generateCellField(smallParams(7));
    const CellField b = generateCellField(smallParams(7));
    const CellField c = generateCellField(smallParams(8));
    REQUIRE(a.frames.size() == 1);
    CHECK(sameBytes(a.frames[0].ri, b.frames[0].ri));
    CHECK(sameBytes(a.frames[0].cellLabels, b.frames[0].cellLabels));
    CHECK(sameBytes(a.frames[0].nucleusLabels, b.frames[0].nucleusLabels));
    for (int k = 0; k < 6; ++k)
        CHECK(sameBytes(a.frames[0].fluorescence[k], b.frames[0].fluorescence[k]));
    CHECK_FALSE(sameBytes(a.frames[0].ri, c.frames[0].ri));
    CHECK_FALSE(sameBytes(a.frames[0].cellLabels, c.frames[0].cellLabels));
}

TEST_CASE("Synthetic RI has medium background and organelle values in range", "[synth]")
{
    CellFieldParams p = smallParams(3);
    p.axialBlur = false;
    p.noise = 0.0;
    const CellField clean = generateCellField(p);
    const auto& fr = clean.frames[0];
    const float* ri = fr.ri.data<float>();
    const auto* nl = fr.nucleusLabels.data<std::int32_t>();
    const auto* cl = fr.cellLabels.data<std::int32_t>();
    const float* nol = fr.fluorescence[kNucleoli].data<float>();
    const float* lip = fr.fluorescence[kLipidDroplets].data<float>();
    double nucSum = 0, cytSum = 0, maxRI = 0;
    std::size_t nucN = 0, cytN = 0, bgBad = 0;
    for (std::size_t i = 0; i < fr.ri.voxels(); ++i) {
        maxRI = std::max(maxRI, double(ri[i]));
        if (!cl[i] && ri[i] != 1.337f)
            ++bgBad;
        if (nl[i] && nol[i] < 0.05f) {
            nucSum += ri[i];
            ++nucN;
        } else if (cl[i] && !nl[i] && lip[i] < 0.05f) {
            cytSum += ri[i];
            ++cytN;
        }
    }
    CHECK(bgBad == 0);
    REQUIRE(nucN > 1000);
    REQUIRE(cytN > 1000);
    CHECK(nucSum / nucN == Approx(1.360).margin(0.006));
    CHECK(cytSum / cytN == Approx(1.350).margin(0.006));
    CHECK(maxRI > 1.39);  // lipid droplets

    // Blurred and noisy: the background stays at the medium, with the requested noise.
    const CellField noisy = generateCellField(smallParams(3));
    const float* rn = noisy.frames[0].ri.data<float>();
    const Grid& g = noisy.grid;
    double s = 0, s2 = 0;
    std::size_t n = 0;
    for (std::size_t z = g.shape[0] - 3; z < g.shape[0]; ++z)
        for (std::size_t y = 0; y < g.shape[1]; ++y)
            for (std::size_t x = 0; x < g.shape[2]; ++x) {
                const double v = rn[g.index(z, y, x)];
                s += v;
                s2 += v * v;
                ++n;
            }
    const double mean = s / n, sd = std::sqrt(s2 / n - mean * mean);
    const auto* nn = noisy.frames[0].nucleusLabels.data<std::int32_t>();
    double nucBlur = 0;
    std::size_t nucBlurN = 0;
    for (std::size_t i = 0; i < g.voxels(); ++i)
        if (nn[i]) {
            nucBlur += rn[i];
            ++nucBlurN;
        }
    CHECK(nucBlur / nucBlurN == Approx(1.359).margin(0.008));
    CHECK(mean == Approx(1.337).margin(5e-4));
    CHECK(sd == Approx(0.002).margin(5e-4));
}

TEST_CASE("Synthetic labels are consistent with each other and the parameters", "[synth]")
{
    for (std::uint64_t seed : {1u, 2u, 5u}) {
        CellFieldParams p = smallParams(seed);
        p.axialBlur = false;  // labels do not depend on imaging
        p.noise = 0;
        const CellField f = generateCellField(p);
        const auto& fr = f.frames[0];
        const auto* nl = fr.nucleusLabels.data<std::int32_t>();
        const auto* cl = fr.cellLabels.data<std::int32_t>();
        std::size_t outside = 0;
        for (std::size_t i = 0; i < fr.cellLabels.voxels(); ++i)
            if (nl[i] && nl[i] != cl[i])
                ++outside;
        CHECK(outside == 0);
        const auto ids = labelIds(fr.cellLabels);
        CHECK(ids.size() == std::size_t(p.cells));
        CHECK(*ids.begin() == 1);
        CHECK(*ids.rbegin() == p.cells);
        CHECK(labelIds(fr.nucleusLabels).size() == std::size_t(p.cells));
        // At least one touching pair: two different cell labels side by side.
        const Grid& g = f.grid;
        bool touching = false;
        for (std::size_t z = 0; z < g.shape[0] && !touching; ++z)
            for (std::size_t y = 0; y + 1 < g.shape[1] && !touching; ++y)
                for (std::size_t x = 0; x + 1 < g.shape[2]; ++x) {
                    const int a = cl[g.index(z, y, x)];
                    const int b = cl[g.index(z, y, x + 1)], c = cl[g.index(z, y + 1, x)];
                    if (a && ((b && b != a) || (c && c != a))) {
                        touching = true;
                        break;
                    }
                }
        CHECK(touching);
        // Cells are flattened: 4-8 µm tall at most, well below the field height.
        for (const auto& c : f.cells) {
            CHECK(c.volume_um3 > 50);
            CHECK(c.nucleusVolume_um3 > 5);
            CHECK(c.nucleusVolume_um3 < 0.6 * c.volume_um3);
            CHECK(c.nucleoli >= 1);
        }
    }
}

TEST_CASE("Synthetic fluorescence truth lies in [0,1] and matches the structures", "[synth]")
{
    const CellField f = generateCellField(smallParams(4));
    const auto& fr = f.frames[0];
    for (int k = 0; k < 6; ++k) {
        const auto r = fr.fluorescence[k].range();
        CHECK(r.first >= 0.0);
        CHECK(r.second <= 1.0);
        CHECK(r.second > 0.3);  // every target is present
    }
    const float* nuc = fr.fluorescence[kNucleus].data<float>();
    const float* mem = fr.fluorescence[kMembrane].data<float>();
    const auto* nl = fr.nucleusLabels.data<std::int32_t>();
    const auto* cl = fr.cellLabels.data<std::int32_t>();
    double in = 0, out = 0, memIn = 0;
    std::size_t nIn = 0, nOut = 0;
    for (std::size_t i = 0; i < fr.ri.voxels(); ++i) {
        if (nl[i]) {
            in += nuc[i];
            memIn += mem[i];
            ++nIn;
        } else if (!cl[i]) {
            out += nuc[i];
            ++nOut;
        }
    }
    CHECK(in / nIn > 0.5);
    CHECK(out / nOut < 0.01);
    CHECK(memIn / nIn < 0.1);  // the membrane is at the cell boundary, not in the nucleus
    CHECK(std::string(kFluorescenceTargets[kLipidDroplets]) == "lipid_droplets");
}

TEST_CASE("A non-control condition shifts nuclei, droplets and cytoplasm RI", "[synth]")
{
    double nucC = 0, nucT = 0, cytC = 0, cytT = 0;
    int dropC = 0, dropT = 0;
    auto cytoplasmRI = [](const CellField& f) {
        const auto& fr = f.frames[0];
        const float* ri = fr.ri.data<float>();
        const auto* cl = fr.cellLabels.data<std::int32_t>();
        const auto* nl = fr.nucleusLabels.data<std::int32_t>();
        const float* lip = fr.fluorescence[kLipidDroplets].data<float>();
        const float* mit = fr.fluorescence[kMitochondria].data<float>();
        double s = 0;
        std::size_t n = 0;
        for (std::size_t i = 0; i < fr.ri.voxels(); ++i)
            if (cl[i] && !nl[i] && lip[i] < 0.01f && mit[i] < 0.01f) {
                s += ri[i];
                ++n;
            }
        return s / n;
    };
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        CellFieldParams p = smallParams(seed);
        p.noise = 0;
        p.axialBlur = false;
        const CellField c = generateCellField(p);
        p.condition = "treated";
        const CellField t = generateCellField(p);
        CHECK(t.cells.front().condition == "treated");
        cytC += cytoplasmRI(c);
        cytT += cytoplasmRI(t);
        for (const auto& x : c.cells) {
            nucC += x.nucleusVolume_um3;
            dropC += x.lipidDroplets;
        }
        for (const auto& x : t.cells) {
            nucT += x.nucleusVolume_um3;
            dropT += x.lipidDroplets;
        }
    }
    CHECK(nucT > 1.08 * nucC);
    CHECK(dropT > dropC);
    CHECK((cytT - cytC) / 3 == Approx(0.003).margin(0.0007));
    CHECK(std::string(kConditionEffectsDoc).find("+15 %") != std::string::npos);
}

TEST_CASE("Synthetic time-lapses move cells and divide one into two daughters", "[synth]")
{
    CellFieldParams p = smallParams(2);
    p.frames = 4;
    p.frameInterval_s = 30;
    p.noise = 0;
    p.axialBlur = false;
    const CellField f = generateCellField(p);
    REQUIRE(f.frames.size() == 4);
    CHECK(f.times_s == std::vector<double>{0, 30, 60, 90});
    const CellTruth* a0 = truthOf(f, 1, 0);
    const CellTruth* a1 = truthOf(f, 1, 1);
    REQUIRE(a0);
    REQUIRE(a1);
    const double moved = std::hypot(a1->centroid_um[0] - a0->centroid_um[0], a1->centroid_um[1] - a0->centroid_um[1]);
    CHECK(moved > 0.1);
    CHECK(moved < 2.0);

    // The last cell divides at frame frames/2 = 2 into ids cells+1 and cells+2.
    const int mother = p.cells;
    CHECK(truthOf(f, mother, 1) != nullptr);
    CHECK(truthOf(f, mother, 2) == nullptr);
    for (int t = 2; t < 4; ++t) {
        const auto ids = labelIds(f.frames[t].cellLabels);
        CHECK(ids.size() == std::size_t(p.cells + 1));
        CHECK(ids.count(mother) == 0);
        for (int d : {p.cells + 1, p.cells + 2}) {
            const CellTruth* dt = truthOf(f, d, t);
            REQUIRE(dt);
            CHECK(dt->parentId == mother);
            CHECK(dt->nucleusVolume_um3 > 2);
        }
        CHECK(labelIds(f.frames[t].nucleusLabels).size() == std::size_t(p.cells + 1));
    }
    for (int t = 0; t < 2; ++t)
        CHECK(labelIds(f.frames[t].cellLabels).size() == std::size_t(p.cells));
    // Cells keep their ids across frames.
    for (int id = 1; id < mother; ++id)
        for (int t = 0; t < 4; ++t)
            CHECK(truthOf(f, id, t) != nullptr);
}

TEST_CASE("Synthetic cell fields convert to datasets with the expected channels", "[synth]")
{
    CellFieldParams p = smallParams(1);
    p.shape = {16, 64, 64};
    p.cells = 2;
    p.frames = 2;
    CellField f = generateCellField(p);
    const DatasetPtr ds = toDataset(f);
    REQUIRE(ds->channelCount() == 9);
    CHECK(ds->channel(0).name == "ri");
    CHECK(ds->channel(0).role == ChannelRole::RefractiveIndex);
    CHECK(ds->channel(0).unit == "RI");
    for (int k = 0; k < 6; ++k) {
        CHECK(ds->channel(1 + k).name == kFluorescenceTargets[k]);
        CHECK(ds->channel(1 + k).role == ChannelRole::MeasuredFluorescence);
    }
    CHECK(ds->channel(7).name == "nucleus_labels");
    CHECK(ds->channel(8).role == ChannelRole::Labels);
    CHECK(ds->frameCount() == 2);
    CHECK(ds->channel(0).times_s == f.times_s);
    CHECK(sameBytes(*ds->frame(8, 1), f.frames[1].cellLabels));
    const DatasetPtr moved = toDataset(std::move(f));
    CHECK(moved->frame(0, 0)->type() == VoxelType::Float32);
}

TEST_CASE("Synthetic-data filters agree with brute force", "[synth]")
{
    const std::array<std::size_t, 3> shape{7, 9, 11};
    std::vector<float> v(7 * 9 * 11);
    synth::Rng rng(42);
    for (auto& x : v)
        x = static_cast<float>(rng.uniform());
    std::vector<float> b = v;
    synth::gaussianBlur3D(b.data(), shape, {1.3, 0.7, 0.0});
    const auto kz = synth::gaussianKernel(1.3), ky = synth::gaussianKernel(0.7);
    const int rz = int(kz.size() / 2), ry = int(ky.size() / 2);
    auto cl = [](int i, int n) { return std::min(std::max(i, 0), n - 1); };
    for (int z = 0; z < 7; ++z)
        for (int y = 0; y < 9; ++y)
            for (int x = 0; x < 11; ++x) {
                double s = 0;
                for (int a = -rz; a <= rz; ++a)
                    for (int c = -ry; c <= ry; ++c)
                        s += kz[a + rz] * ky[c + ry] * v[(cl(z + a, 7) * 9 + cl(y + c, 9)) * 11 + x];
                CHECK(b[(z * 9 + y) * 11 + x] == Approx(s).epsilon(1e-5));
            }
    // Distance transform with anisotropic spacing against brute force.
    const std::size_t ny = 13, nx = 17;
    std::vector<float> f(ny * nx, 1e20f);
    std::vector<std::pair<int, int>> sites{{2, 3}, {10, 15}, {7, 1}};
    for (auto [y, x] : sites)
        f[y * nx + x] = 0;
    synth::distanceTransform2D(f.data(), ny, nx, 0.3, 0.2);
    for (std::size_t y = 0; y < ny; ++y)
        for (std::size_t x = 0; x < nx; ++x) {
            double best = 1e30;
            for (auto [sy, sx] : sites)
                best = std::min(best, std::pow((double(y) - sy) * 0.3, 2) + std::pow((double(x) - sx) * 0.2, 2));
            CHECK(f[y * nx + x] == Approx(best).margin(1e-5));
        }
}

TEST_CASE("Synthetic cell field timing (full size)", "[.][synthbench]")
{
    for (auto cfg : {std::pair<std::size_t, int>{256, 6}, std::pair<std::size_t, int>{512, 10}}) {
        CellFieldParams p;
        p.shape = {64, cfg.first, cfg.first};
        p.cells = cfg.second;
        const auto t0 = std::chrono::steady_clock::now();
        const CellField f = generateCellField(p);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        WARN("64x" << cfg.first << "x" << cfg.first << ", " << cfg.second << " cells: " << s << " s");
        CHECK(labelIds(f.frames[0].cellLabels).size() == std::size_t(cfg.second));
    }
}
