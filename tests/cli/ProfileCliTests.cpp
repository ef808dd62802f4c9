// refractome-cli segment and profile end to end: files written, the 65 features checked against
// an independent numpy/scipy computation (tests/tools/features_reference.py), tracking columns on
// a time-lapse, and bad input (exit 2, nothing written).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/analysis/FeatureTable.h"
#include "core/io/ResultsReader.h"
#include "core/io/ResultsWriter.h"
#include "core/model/Dataset.h"
#include "core/util/BuildInfo.h"
#include "tests/support/CliRunner.h"
#include "tests/support/TempDir.h"

using namespace rfx;
using test::quoted;
using test::runCli;

namespace {

bool pythonReferenceAvailable()
{
    return std::system("/usr/bin/python3 -c 'import numpy, scipy, h5py' >/dev/null 2>&1") == 0;
}

std::string synthCells(const test::TempDir& dir, const std::string& name, const std::string& extra = "")
{
    const std::string path = dir.file(name);
    const auto r = runCli("synth cells -o " + quoted(path) + " --size 32,160,160 --cells 3 --seed 21 " + extra);
    REQUIRE(r.exitCode == 0);
    return path;
}

} // namespace

TEST_CASE("segment writes masks, labels and the cell table; profile's 65 features match numpy", "[profile]")
{
    test::TempDir dir;
    const std::string cells = synthCells(dir, "cells.h5");
    const std::string seg = dir.file("seg.h5"), csv = dir.file("features.csv");
    const auto s = runCli("segment " + quoted(cells) + " -o " + quoted(seg));
    INFO(s.err);
    REQUIRE(s.exitCode == 0);
    CHECK(s.out.find("3 cells") != std::string::npos);
    const auto info = runCli("info " + quoted(seg));
    REQUIRE(info.exitCode == 0);
    for (const char* ch : {"ri", "nucleus", "nucleus_mask", "nucleoli_mask", "membrane_mask", "lipid_droplets_mask",
                           "mitochondria_mask", "nucleus_labels", "cell_labels"})
        CHECK(info.out.find(std::string("\"") + ch + "\"") != std::string::npos);
    const ResultsTable table = readResultsTable(seg, "cells");
    CHECK(table.values.at(0).size() == 3);
    // Instance Dice against the generator's labels, through evaluate.
    const auto ev = runCli("evaluate " + quoted(seg) + " " + quoted(cells) + " --json --channels nucleus_labels,cell_labels");
    INFO(ev.err);
    REQUIRE(ev.exitCode == 0);
    const auto scores = nlohmann::json::parse(ev.out)["channels"];
    const double nucleusDice = scores["nucleus_labels"]["instance_dice"].get<double>();
    const double cellDice = scores["cell_labels"]["instance_dice"].get<double>();
    CHECK(nucleusDice >= 0.9);
    CHECK(cellDice >= 0.85);
    CHECK(scores["cell_labels"]["truth_instances"].get<int>() == 3);

    const auto p = runCli("profile " + quoted(seg) + " -o " + quoted(csv) + " --condition treated");
    INFO(p.err);
    REQUIRE(p.exitCode == 0);
    const FeatureTable ft = FeatureTable::read(csv);
    CHECK(ft.rowCount() == 3);
    CHECK(ft.featureColumns().size() == 65);
    CHECK(ft.cell(0, static_cast<std::size_t>(ft.columnIndex("condition"))) == "treated");
    CHECK(std::filesystem::exists(dir.file("features.units.csv")));

    if (!pythonReferenceAvailable()) {
        WARN("skipped the numpy comparison: /usr/bin/python3 with numpy, scipy and h5py not available");
        return;
    }
    const auto ref = test::runShell("/usr/bin/python3 " +
                                    quoted(std::string(REFRACTOME_SOURCE_DIR) + "/tests/tools/features_reference.py") +
                                    " " + quoted(seg) + " " + quoted(csv));
    INFO(ref.err);
    REQUIRE(ref.exitCode == 0);
    const auto j = nlohmann::json::parse(ref.out);
    CHECK(j["features"].get<int>() == 65);
    CHECK(j["unchecked"].empty());
    INFO(j["worst"].dump());
    CHECK(j["max_rel_error"].get<double>() < 1e-6);  // the CSV keeps 10 significant digits

    // The instance Dice evaluate reported, recomputed with scipy's assignment solver.
    const auto inst = test::runShell("/usr/bin/python3 " +
                                     quoted(std::string(REFRACTOME_SOURCE_DIR) + "/tests/tools/instance_dice_reference.py") +
                                     " " + quoted(seg) + " " + quoted(cells) + " nucleus_labels cell_labels");
    INFO(inst.err);
    REQUIRE(inst.exitCode == 0);
    const auto k = nlohmann::json::parse(inst.out);
    CHECK(k["nucleus_labels"].get<double>() == Approx(nucleusDice).margin(1e-9));
    CHECK(k["cell_labels"].get<double>() == Approx(cellDice).margin(1e-9));
}

TEST_CASE("profile of a time-lapse tracks cells and writes an HDF5 table", "[profile]")
{
    test::TempDir dir;
    const std::string cells = synthCells(dir, "movie.h5", "--frames 4");
    const std::string out = dir.file("features.h5");
    const auto p = runCli("profile " + quoted(cells) + " -o " + quoted(out));
    INFO(p.err);
    REQUIRE(p.exitCode == 0);
    const ResultsTable t = readResultsTable(out, "features");
    auto column = [&](const std::string& name) -> const std::vector<double>& {
        for (std::size_t c = 0; c < t.columns.size(); ++c)
            if (t.columns[c] == name)
                return t.values[c];
        FAIL("missing column " << name);
        return t.values[0];
    };
    const auto& frames = column("frame");
    const auto& tracks = column("track_id");
    const auto& parents = column("parent_id");
    CHECK(std::set<double>(frames.begin(), frames.end()).size() == 4);
    // Three cells, one divides: more rows than tracks, and exactly two daughters name a parent.
    std::set<double> trackSet(tracks.begin(), tracks.end());
    CHECK(trackSet.size() < tracks.size());
    std::set<double> daughters;
    for (std::size_t i = 0; i < parents.size(); ++i)
        if (parents[i] > 0)
            daughters.insert(tracks[i]);
    CHECK(daughters.size() == 2);
    CHECK(column("cell_volume").size() == frames.size());
}

TEST_CASE("profile and segment refuse bad input with exit code 2 and write nothing", "[profile]")
{
    test::TempDir dir;
    const std::string out = dir.file("f.csv");
    // RI only: no predicted channels.
    const std::string cells = synthCells(dir, "cells.h5");
    const std::string riOnly = dir.file("ri.h5");
    REQUIRE(runCli("convert " + quoted(cells) + " " + quoted(riOnly) + " --channel ri").exitCode == 0);
    auto r = runCli("profile " + quoted(riOnly) + " -o " + quoted(out));
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("missing fluorescence channel") != std::string::npos);
    CHECK(!std::filesystem::exists(out));

    // A label volume whose shape differs from the RI.
    const std::string bad = dir.file("badlabels.h5");
    {
        ResultsWriter w(bad);
        Grid g;
        g.shape = {4, 16, 16};
        Grid h = g;
        h.shape = {4, 16, 15};
        auto add = [&](const std::string& name, ChannelRole role, const Grid& grid, VoxelType type) {
            ChannelInfo c;
            c.name = name;
            c.role = role;
            c.grid = grid;
            c.times_s = {0};
            w.addChannel(c, type);
            w.writeFrame(name, 0, Volume(grid, type));
        };
        add("ri", ChannelRole::RefractiveIndex, g, VoxelType::Float32);
        for (const char* n : {"actin", "mitochondria", "lipid_droplets", "membrane", "nucleus", "nucleoli"})
            add(n, ChannelRole::PredictedFluorescence, g, VoxelType::Float32);
        add("cell_labels", ChannelRole::Labels, h, VoxelType::Int32);
        w.commit();
    }
    r = runCli("profile " + quoted(bad) + " -o " + quoted(out));
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("different shape") != std::string::npos);
    CHECK(!std::filesystem::exists(out));

    // Wrong output extension, unknown threshold name, missing file.
    CHECK(runCli("profile " + quoted(cells) + " -o " + quoted(dir.file("f.txt"))).exitCode == 2);
    r = runCli("segment " + quoted(cells) + " -o " + quoted(dir.file("s.h5")) + " --threshold golgi=0.5");
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("--threshold") != std::string::npos);
    CHECK(!std::filesystem::exists(dir.file("s.h5")));
    // A relative nucleus threshold outside [0, 1) or not a number.
    for (const char* bad : {"1.5", "-0.1", "half"}) {
        r = runCli("segment " + quoted(cells) + " -o " + quoted(dir.file("s.h5")) + " --nucleus-relative " + bad);
        INFO(bad << ": " << r.err);
        CHECK(r.exitCode == 2);
        CHECK(r.err.find("--nucleus-relative") != std::string::npos);
        CHECK(!std::filesystem::exists(dir.file("s.h5")));
    }
    CHECK(runCli("segment " + quoted(dir.file("nope.h5")) + " -o " + quoted(dir.file("s.h5"))).exitCode == 2);
    // No RI channel at all.
    const std::string flOnly = dir.file("fl.h5");
    REQUIRE(runCli("convert " + quoted(cells) + " " + quoted(flOnly) + " --channel nucleus").exitCode == 0);
    r = runCli("segment " + quoted(flOnly) + " -o " + quoted(dir.file("s.h5")));
    CHECK(r.exitCode == 2);
    CHECK(!std::filesystem::exists(dir.file("s.h5")));
}

#ifdef REFRACTOME_CLI_HAS_TORCH
TEST_CASE("features from predicted fluorescence agree with features from the true fluorescence (paper-style)",
          "[profile][validation]")
{
    if (!pythonReferenceAvailable()) {
        WARN("skipped: /usr/bin/python3 with numpy and scipy not available for tests/tools/feature_agreement.py");
        return;
    }
    // Two held-out fields (seeds not used for training or for choosing the segmentation defaults),
    // each segmented twice: from the generator's fluorescence and from the bundled model's prediction.
    test::TempDir dir;
    std::string truthSegs, predSegs;
    for (const char* seed : {"301", "302"}) {
        const std::string cells = dir.file(std::string("cells") + seed + ".h5"), pred = dir.file(std::string("pred") + seed + ".h5");
        const std::string segT = dir.file(std::string("segt") + seed + ".h5"), segP = dir.file(std::string("segp") + seed + ".h5");
        REQUIRE(runCli("synth cells --size 32,256,256 --cells 6 --quiet --seed " + std::string(seed) + " -o " + quoted(cells)).exitCode == 0);
        const auto p = runCli("predict " + quoted(cells) + " -o " + quoted(pred) + " --quiet");
        INFO(p.err);
        REQUIRE(p.exitCode == 0);
        REQUIRE(runCli("segment " + quoted(cells) + " -o " + quoted(segT)).exitCode == 0);
        REQUIRE(runCli("segment " + quoted(pred) + " -o " + quoted(segP)).exitCode == 0);
        // Item 1 of the profiling issue, from predicted fluorescence: instance Dice of nuclei and
        // cells against the generator's labels (measured 0.941 / 0.946 and 0.927 / 0.945).
        const auto e = runCli("evaluate " + quoted(segP) + " " + quoted(cells) +
                              " --channels nucleus_labels,cell_labels --json");
        REQUIRE(e.exitCode == 0);
        const auto dice = nlohmann::json::parse(e.out)["channels"];
        CHECK(dice["nucleus_labels"]["instance_dice"].get<double>() >= 0.9);
        CHECK(dice["cell_labels"]["instance_dice"].get<double>() >= 0.85);
        truthSegs += " " + quoted(segT);
        predSegs += " " + quoted(segP);
    }
    const std::string truthCsv = dir.file("truth.csv"), predCsv = dir.file("pred.csv");
    REQUIRE(runCli("profile" + truthSegs + " -o " + quoted(truthCsv)).exitCode == 0);
    REQUIRE(runCli("profile" + predSegs + " -o " + quoted(predCsv)).exitCode == 0);
    const auto a = test::runShell("/usr/bin/python3 " +
                                  quoted(std::string(REFRACTOME_SOURCE_DIR) + "/tests/tools/feature_agreement.py") + " " +
                                  quoted(truthCsv) + " " + quoted(predCsv));
    INFO(a.out << a.err);
    REQUIRE(a.exitCode == 0);
    const auto j = nlohmann::json::parse(a.out);
    CHECK(j["matched_cells"].get<int>() >= 10);
    CHECK(j["features"].get<int>() >= 60);
    // docs/segmentation.md: median per-feature r 0.99 and pooled (z-scored) r 0.91-0.95 on pairs of
    // held-out fields (0.955 on these two, 0.936 over 48 cells). The pooled target of 0.95 is not
    // reached on every pair:
    // mitochondria count, nucleus sphericity and a few intensities correlate poorly (table there).
    CHECK(j["median_per_feature_r"].get<double>() >= 0.95);
    CHECK(j["pooled_r_zscored"].get<double>() >= 0.90);
}
#endif
