// `segment` on the outputs of a segmentation model run by `predict` (manifest task
// "segmentation"): organelle probabilities thresholded at 0.5, the "cell" probability as the cell
// foreground and watershed landscape. The model is a hand-set network written by the test
// (tests/tools/make_segmentation_model.py), so the expected masks follow from its outputs.
#include <catch2/catch.hpp>

#include <filesystem>
#include <array>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/io/ResultsReader.h"
#include "core/util/Sha256.h"
#include "tests/support/CliRunner.h"
#include "tests/support/TempDir.h"

#ifdef REFRACTOME_CLI_HAS_TORCH

using namespace rfx;
using test::quoted;
using test::runCli;

namespace {

// Keeps the face-connected components of `above` with at least minVoxels voxels (an independent
// breadth-first flood fill: the expected organelle mask).
std::vector<char> keepLargeComponents(const std::vector<char>& above, const std::array<std::size_t, 3>& shape,
                                      std::size_t minVoxels)
{
    const std::size_t nz = shape[0], ny = shape[1], nx = shape[2], n = nz * ny * nx;
    std::vector<char> seen(n, 0), keep(n, 0);
    std::vector<std::size_t> component, queue;
    for (std::size_t start = 0; start < n; ++start) {
        if (!above[start] || seen[start])
            continue;
        component.clear();
        queue = {start};
        seen[start] = 1;
        while (!queue.empty()) {
            const std::size_t i = queue.back();
            queue.pop_back();
            component.push_back(i);
            const std::size_t x = i % nx, y = (i / nx) % ny, z = i / (nx * ny);
            const std::size_t nb[6] = {x > 0 ? i - 1 : i, x + 1 < nx ? i + 1 : i, y > 0 ? i - nx : i,
                                       y + 1 < ny ? i + nx : i, z > 0 ? i - nx * ny : i, z + 1 < nz ? i + nx * ny : i};
            for (std::size_t j : nb)
                if (above[j] && !seen[j]) {
                    seen[j] = 1;
                    queue.push_back(j);
                }
        }
        if (component.size() >= minVoxels)
            for (std::size_t i : component)
                keep[i] = 1;
    }
    return keep;
}

} // namespace

TEST_CASE("segment thresholds a segmentation model's probabilities at 0.5 and grows cells in its cell probability",
          "[cli][segment]")
{
    test::TempDir dir;
    const std::string cells = dir.file("cells.h5");
    REQUIRE(runCli("synth cells --size 24,128,128 --cells 3 --seed 21 --quiet -o " + quoted(cells)).exitCode == 0);
    const std::string pkg = dir.file("segmodel");
    std::filesystem::create_directories(pkg);
    REQUIRE(std::system(("/usr/bin/python3 " MAKE_SEGMENTATION_MODEL_SCRIPT " " + quoted(pkg)).c_str()) == 0);
    const nlohmann::json manifest = {
        {"name", "test-segmentation"},
        {"task", "segmentation"},
        {"files", {{{"path", "seg.pt"}, {"outputs", {"nucleus", "cell"}}}}},
        {"input", {{"voxel_size_um", {0.2, 0.15, 0.15}}, {"clip", {1.337, 1.39}}, {"patch", {16, 64, 64}}}},
        {"sha256", {{"seg.pt", sha256File(pkg + "/seg.pt")}}}};
    std::ofstream(pkg + "/model.json") << manifest.dump(2);

    const std::string prob = dir.file("prob.h5"), seg = dir.file("seg.h5");
    const auto p = runCli("predict " + quoted(cells) + " -o " + quoted(prob) + " --model " + quoted(pkg) + " --quiet");
    INFO(p.err);
    REQUIRE(p.exitCode == 0);
    const auto s = runCli("segment " + quoted(prob) + " -o " + quoted(seg));
    INFO(s.err);
    REQUIRE(s.exitCode == 0);

    DatasetPtr ds = openResults(seg);
    auto channel = [&](const std::string& name) {
        const int c = ds->channelIndex(name);
        REQUIRE(c >= 0);
        return ds->frame(static_cast<std::size_t>(c), 0);
    };
    const VolumePtr nucleusP = channel("nucleus"), cellP = channel("cell"), nucleusMask = channel("nucleus_mask"),
                    cellLabels = channel("cell_labels"), nucleusLabels = channel("nucleus_labels");
    CHECK(ds->channel(static_cast<std::size_t>(ds->channelIndex("cell"))).role == ChannelRole::Probability);
    const nlohmann::json params = nlohmann::json::parse(readResultsText(seg, "segmentation"));
    CHECK(params["thresholds_first_frame"]["nucleus"].get<double>() == 0.5);

    // Nucleus mask: exactly the components of (probability > 0.5) of at least 3 µm³ (OrganelleTable).
    const std::size_t n = nucleusP->voxels();
    std::vector<char> nucleusAbove(n);
    for (std::size_t i = 0; i < n; ++i)
        nucleusAbove[i] = nucleusP->valueAt(i) > 0.5;
    const std::size_t minNucleus = static_cast<std::size_t>(3.0 / nucleusP->grid().voxelVolume_um3());
    const std::vector<char> expectedMask = keepLargeComponents(nucleusAbove, nucleusP->shape(), minNucleus);
    std::size_t maskVoxels = 0, maskDifferent = 0;
    for (std::size_t i = 0; i < n; ++i) {
        maskVoxels += expectedMask[i];
        maskDifferent += (nucleusMask->valueAt(i) > 0) != (expectedMask[i] != 0);
    }
    REQUIRE(maskVoxels > 1000);
    CHECK(maskDifferent == 0u);

    // Cells: the cell probability above 0.5 (plus nuclei and filled holes), nothing else.
    std::size_t cellAbove = 0, labelledAbove = 0, labelledElsewhere = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const bool above = cellP->valueAt(i) > 0.5, labelled = cellLabels->valueAt(i) > 0;
        cellAbove += above;
        labelledAbove += labelled && above;
        labelledElsewhere += labelled && !above && nucleusLabels->valueAt(i) == 0;
    }
    INFO("cell > 0.5: " << cellAbove << ", labelled: " << labelledAbove << ", labelled elsewhere: " << labelledElsewhere);
    REQUIRE(cellAbove > 10000);
    CHECK(labelledAbove >= cellAbove * 98 / 100);  // only components below the smallest cell are dropped
    CHECK(labelledElsewhere <= cellAbove / 100);
}

#endif
