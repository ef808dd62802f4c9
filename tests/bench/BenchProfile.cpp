// Segmentation + the 65 features for one synthetic field (default 64x512x512, 10 cells), timed
// in-process stage by stage, without file I/O (issue target: <= 10 s on 2 cores).
// Usage: refractome_bench_profile [--size Z,Y,X] [--cells N] [--seed S] [--repeat R]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/profiling/CellMeasurer.h"
#include "core/profiling/FeatureCatalog.h"
#include "core/segmentation/CellSegmentation.h"
#include "core/synth/CellFieldGenerator.h"

using namespace rfx;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv)
{
    CellFieldParams p;
    p.shape = {64, 512, 512};
    p.cells = 10;
    p.seed = 5;
    int repeat = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--size"))
            std::sscanf(argv[i + 1], "%zu,%zu,%zu", &p.shape[0], &p.shape[1], &p.shape[2]);
        else if (!std::strcmp(argv[i], "--cells"))
            p.cells = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--seed"))
            p.seed = std::strtoull(argv[i + 1], nullptr, 10);
        else if (!std::strcmp(argv[i], "--repeat"))
            repeat = std::atoi(argv[i + 1]);
    }
    const CellField field = generateCellField(p);
    const CellFieldFrame& f = field.frames[0];
    SegmentationInputs in;
    in.ri = std::make_shared<Volume>(f.ri);
    for (std::size_t k = 0; k < 6; ++k)
        in.fluorescence[kFluorescenceTargets[k]] = std::make_shared<Volume>(f.fluorescence[k]);
    double bestSeg = 1e9, bestMeasure = 1e9;
    std::size_t cells = 0;
    for (int r = 0; r < repeat; ++r) {
        const auto t0 = Clock::now();
        // Stage breakdown (to stderr) from the progress callback's stage names.
        auto last = t0;
        std::string lastStage = "start";
        const SegmentationResult seg = segmentCells(in, [&](double, const std::string& stage) {
            if (stage == lastStage)
                return;
            const auto now = Clock::now();
            std::fprintf(stderr, "  %-16s %.2f s\n", lastStage.c_str(), std::chrono::duration<double>(now - last).count());
            last = now;
            lastStage = stage;
        });
        const auto t1 = Clock::now();
        MeasureInputs mi;
        mi.ri = in.ri.get();
        mi.cellLabels = &seg.cellLabels;
        mi.nucleusLabels = &seg.nucleusLabels;
        for (const auto& [name, m] : seg.masks)
            mi.masks[name] = &m;
        for (const auto& [name, v] : in.fluorescence)
            mi.fluorescence[name] = v.get();
        const auto measured = measureCells(mi);
        std::size_t values = 0;
        for (const auto& m : measured)
            values += computeFeatures(m).size();
        const auto t2 = Clock::now();
        cells = measured.size();
        bestSeg = std::min(bestSeg, std::chrono::duration<double>(t1 - t0).count());
        bestMeasure = std::min(bestMeasure, std::chrono::duration<double>(t2 - t1).count());
        if (values != cells * featureCatalog().size())
            return 1;
    }
    std::printf("| field (z,y,x) | cells | segmentation s | 65 features s | total s |\n|---|---|---|---|---|\n");
    std::printf("| %zu x %zu x %zu | %zu | %.2f | %.2f | %.2f |\n", p.shape[0], p.shape[1], p.shape[2], cells, bestSeg,
                bestMeasure, bestSeg + bestMeasure);
    return 0;
}
