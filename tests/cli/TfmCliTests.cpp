// `refractome-cli tfm` end to end: a synthetic bead pair through the classical method, the results file
// and vectors CSV, and one-line refusals (exit 2, nothing written) for bad input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/io/DatasetOpener.h"
#include "core/io/ResultsReader.h"
#include "core/io/TiffWriter.h"
#include "core/synth/BeadPairGenerator.h"
#include "tests/support/CliRunner.h"
#include "tests/support/TempDir.h"

using namespace rfx;
using test::quoted;
using test::runCli;

namespace {
std::vector<std::string> lines(const std::string& path)
{
    std::ifstream in(path);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

// A small synthetic pair (relaxed, stressed, mask) as TIFFs in dir.
struct PairFiles {
    std::string relaxed, stressed, mask;
};
PairFiles writePair(const test::TempDir& dir)
{
    BeadPairParams p;
    p.shape = {48, 64, 64};
    p.seed = 3;
    const BeadPair bp = generateBeadPair(p);
    PairFiles f{dir.file("relaxed.tif"), dir.file("stressed.tif"), dir.file("mask.tif")};
    writeImageJTiff(f.relaxed, bp.relaxed, "a.u.");
    writeImageJTiff(f.stressed, bp.stressed, "a.u.");
    writeImageJTiff(f.mask, bp.cellMask.toFloat(), "label");
    return f;
}
} // namespace

TEST_CASE("tfm writes displacements, forces, a summary and the vectors CSV", "[cli][tfm]")
{
    test::TempDir dir;
    const PairFiles in = writePair(dir);
    const std::string h5 = dir.file("forces.h5"), csv = dir.file("vectors.csv");
    auto r = runCli("tfm " + quoted(in.relaxed) + " " + quoted(in.stressed) + " -o " + quoted(h5) +
                    " --young 1000 --poisson 0.45 --mask " + quoted(in.mask) + " --vectors " + quoted(csv) +
                    " --window 16 --quiet");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.err.find("contractility") != std::string::npos);
    CHECK(r.err.find("net force") != std::string::npos);

    DatasetPtr ds = openResults(h5);
    for (const char* c : {"displacement", "quality", "strain_energy_density", "force_density", "nodal_force", "tractions"})
        CHECK(ds->channelIndex(c) >= 0);
    const ChannelInfo& d = ds->channel(static_cast<std::size_t>(ds->channelIndex("displacement")));
    CHECK(d.components == 3);
    CHECK(d.unit == "\xC2\xB5m");
    // 16-voxel windows at 50 %: the grid step is 8 voxels of 0.4 µm, the first node at the first window's centre.
    CHECK(d.grid.spacing_um[2] == Approx(3.2));
    CHECK(d.grid.origin_um[2] == Approx(0.4 * 7.5));

    // For the view: the mask as given, and the stressed volume's sharpest plane (largest variance,
    // found here by a separate pass over the TIFF the command read).
    REQUIRE(ds->channelIndex("cell_mask") >= 0);
    const VolumePtr mask = ds->frame(static_cast<std::size_t>(ds->channelIndex("cell_mask")), 0);
    const VolumePtr given = openDataset(in.mask)->frame(0, 0);
    REQUIRE(mask->values() == given->values());
    std::size_t disagree = 0;
    for (std::size_t i = 0; i < mask->values(); ++i)
        disagree += (mask->valueAt(i) != 0) != (given->valueAt(i) != 0);
    CHECK(disagree == 0);
    REQUIRE(ds->channelIndex("bead_slice") >= 0);
    const VolumePtr slice = ds->frame(static_cast<std::size_t>(ds->channelIndex("bead_slice")), 0);
    const VolumePtr beads = openDataset(in.stressed)->frame(0, 0);
    const auto& sh = beads->grid().shape;
    const std::size_t plane = sh[1] * sh[2];
    std::vector<double> variance(sh[0]);
    for (std::size_t z = 0; z < sh[0]; ++z) {
        double m = 0;
        for (std::size_t i = 0; i < plane; ++i)
            m += beads->valueAt(z * plane + i) / double(plane);
        for (std::size_t i = 0; i < plane; ++i)
            variance[z] += std::pow(beads->valueAt(z * plane + i) - m, 2);
    }
    const std::size_t sharpest = std::max_element(variance.begin(), variance.end()) - variance.begin();
    REQUIRE(slice->grid().shape == std::array<std::size_t, 3>{1, sh[1], sh[2]});
    CHECK(slice->grid().origin_um[0] == Approx(beads->grid().origin_um[0] + sharpest * beads->grid().spacing_um[0]));
    for (std::size_t i = 0; i < plane; i += 97)
        CHECK(slice->valueAt(i) == Approx(beads->valueAt(sharpest * plane + i)));

    const auto rows = lines(csv);
    REQUIRE(rows.size() == d.grid.voxels() + 1);
    CHECK(rows[0] == "x_um,y_um,z_um,ux_um,uy_um,uz_um,fx_pN,fy_pN,fz_pN,quality");
    std::stringstream first(rows[1]);
    std::vector<double> v;
    for (std::string cell; std::getline(first, cell, ',');)
        v.push_back(std::stod(cell));
    REQUIRE(v.size() == 10);
    CHECK(v[0] == Approx(3.0));
    CHECK(v[2] == Approx(3.0));
    CHECK(v[9] >= 0.0);
    CHECK(v[9] <= 1.0);
}

TEST_CASE("tfm --method dl writes the same outputs as the classical method", "[cli][tfm][force]")
{
    test::TempDir dir;
    const PairFiles in = writePair(dir);
    const std::string pair = quoted(in.relaxed) + " " + quoted(in.stressed) + " --young 1000 --poisson 0.45 --mask " +
                             quoted(in.mask) + " --window 16 --quiet";
    DatasetPtr ds[2];
    std::vector<std::string> csv[2];
    const char* methods[2] = {"dvc", "dl"};
    for (int m = 0; m < 2; ++m) {
        const std::string h5 = dir.file(std::string(methods[m]) + ".h5"), v = dir.file(std::string(methods[m]) + ".csv");
        auto r = runCli("tfm " + pair + " -o " + quoted(h5) + " --vectors " + quoted(v) + " --method " + methods[m]);
        INFO(methods[m] << ": " << r.err);
        REQUIRE(r.exitCode == 0);
        CHECK(r.err.find("contractility") != std::string::npos);
        ds[m] = openResults(h5);
        csv[m] = lines(v);
    }
    for (const char* c : {"displacement", "quality", "strain_energy_density", "force_density", "nodal_force", "tractions"}) {
        INFO(c);
        REQUIRE(ds[1]->channelIndex(c) >= 0);
        const ChannelInfo& a = ds[0]->channel(static_cast<std::size_t>(ds[0]->channelIndex(c)));
        const ChannelInfo& b = ds[1]->channel(static_cast<std::size_t>(ds[1]->channelIndex(c)));
        CHECK(a.components == b.components);
        CHECK(a.unit == b.unit);
        CHECK(a.grid.shape == b.grid.shape);
        CHECK(a.grid.origin_um == b.grid.origin_um);
        CHECK(a.grid.spacing_um == b.grid.spacing_um);
    }
    REQUIRE(csv[1].size() == csv[0].size());
    CHECK(csv[1][0] == csv[0][0]);

    // Both measure the same field: the node displacements agree to a fraction of a voxel.
    const int di = ds[0]->channelIndex("displacement");
    const VolumePtr u0 = ds[0]->frame(static_cast<std::size_t>(di), 0), u1 = ds[1]->frame(static_cast<std::size_t>(di), 0);
    double se = 0, peak = 0;
    for (std::size_t i = 0; i < u0->voxels() * 3; ++i) {
        se += std::pow(u1->data<float>()[i] - u0->data<float>()[i], 2);
        peak = std::max(peak, std::abs(double(u0->data<float>()[i])));
    }
    const double rms = std::sqrt(se / double(u0->voxels() * 3));
    INFO("rms difference " << rms << " µm, largest component " << peak << " µm");
    CHECK(peak > 0.1);
    CHECK(rms < 0.3 * peak);
}

TEST_CASE("tfm refuses bad input with exit code 2 and writes nothing", "[cli][tfm]")
{
    test::TempDir dir;
    const PairFiles in = writePair(dir);
    BeadPairParams p;
    p.shape = {48, 64, 56};
    const std::string other = dir.file("other.tif");
    writeImageJTiff(other, generateBeadPair(p).relaxed, "a.u.");
    Grid g;
    g.shape = {48, 64, 64};
    g.spacing_um = {0.4, 0.4, 0.4};
    Volume flat = Volume::zeros<float>(g);
    for (std::size_t i = 0; i < flat.voxels(); ++i)
        flat.data<float>()[i] = 0.3f + 0.001f * static_cast<float>((i * 7919) % 13);  // no beads, almost constant
    const std::string empty = dir.file("flat.tif");
    writeImageJTiff(empty, flat, "a.u.");
    const std::size_t before = test::entryCount(dir.path());

    const std::string out = " -o " + quoted(dir.file("out.h5")) + " --vectors " + quoted(dir.file("out.csv"));
    const std::string pair = quoted(in.relaxed) + " " + quoted(in.stressed);
    const std::string mat = " --young 1000 --poisson 0.45";
    struct Case {
        std::string args, needle;
    };
    const Case cases[] = {
        {pair + out + " --young 0 --poisson 0.45", "--young"},
        {pair + out + " --young -3 --poisson 0.45", "--young"},
        {pair + out + " --young 1000 --poisson 0.5", "--poisson"},
        {pair + out + " --young 1000 --poisson -1", "--poisson"},
        {pair + out + " --poisson 0.45", "--young"},
        {quoted(dir.file("missing.tif")) + " " + quoted(in.stressed) + out + mat, "missing.tif"},
        {quoted(in.relaxed) + " " + quoted(other) + out + mat, "shape"},
        {quoted(in.relaxed) + " " + quoted(empty) + out + mat, "does not correlate"},
        {pair + out + mat + " --method dl --model " + quoted(dir.file("nomodel")), "model package folder not found"},
        {pair + out + mat + " --model " + quoted(dir.path()), "--model applies to --method dl only"},
        {pair + out + mat + " --method dl --device tpu", "--device"},
        {pair + out + mat + " --method fem", "--method"},
        {pair + out + mat + " --window 4", "--window"},
        {pair + out + mat + " --voxel 1,0,1", "--voxel"},
    };
    for (const Case& c : cases) {
        auto r = runCli("tfm " + c.args + " --quiet");
        INFO(c.args << "\n" << r.err);
        CHECK(r.exitCode == 2);
        CHECK(r.err.find(c.needle) != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK(test::entryCount(dir.path()) == before);
    }
}
