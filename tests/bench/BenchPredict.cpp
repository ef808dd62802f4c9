// Prediction benchmark (not a test). Generates a synthetic RI field of the given size, runs the
// patch engine with a model package and reports voxels per second, the engine's overhead over the
// bare forward passes on the same patches (tiling, normalisation, blending, TTA bookkeeping, IO),
// and the process's peak resident memory.
// Usage: refractome_bench_predict [--model DIR] [--size Z,Y,X] [--threads N] [--tta N] [--mc N]
//                                 [--device D] [--out FILE.h5]
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <sys/resource.h>

#include "core/io/ResultsWriter.h"
#include "core/prediction/ModelLocator.h"
#include "core/prediction/PatchPredictor.h"
#include "core/prediction/ResultsPredictionSink.h"
#include "core/synth/CellFieldGenerator.h"
#include "core/torch/TorchBackend.h"

using namespace rfx;

namespace {
// Sink that discards blocks (measures the engine without disk IO).
class NullSink : public PredictionSink {
public:
    void begin(const std::vector<PredictionMap>&, const Grid&) override {}
    void write(std::size_t, std::size_t, const Volume&) override {}
};

double peakRssGiB()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / (1024.0 * 1024.0);
}
} // namespace

int main(int argc, char** argv)
{
    torchbackend::install();
    std::string model, out, device = "cpu", input = "synth";
    std::array<std::size_t, 3> size{64, 512, 512};
    PredictionOptions opt;
    opt.threads = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--model")
            model = v;
        else if (k == "--size")
            std::sscanf(v.c_str(), "%zu,%zu,%zu", &size[0], &size[1], &size[2]);
        else if (k == "--threads")
            opt.threads = std::atoi(v.c_str());
        else if (k == "--tta")
            opt.tta = std::atoi(v.c_str());
        else if (k == "--mc")
            opt.mc = std::atoi(v.c_str());
        else if (k == "--device")
            device = v;
        else if (k == "--out")
            out = v;
        else if (k == "--input")
            input = v;  // synth (cells) or pattern (cheap, for memory runs on huge fields)
    }
    opt.device = device;
    if (model.empty())
        model = bundledModelDirectory("ri2fl-synthetic");

    Volume ri;
    if (input == "pattern") {
        // Smooth deterministic RI pattern: no generator memory in the peak-RSS figure.
        Grid g;
        g.shape = size;
        g.spacing_um = {0.2, 0.15, 0.15};
        ri = Volume::zeros<float>(g);
        float* v = ri.data<float>();
        for (std::size_t z = 0; z < size[0]; ++z)
            for (std::size_t y = 0; y < size[1]; ++y)
                for (std::size_t x = 0; x < size[2]; ++x)
                    *v++ = 1.337f + 0.02f * float((std::sin(0.05 * x) * std::cos(0.07 * y) + 1.0) * 0.5);
    } else {
        CellFieldParams p;
        p.shape = size;
        p.cells = static_cast<int>(std::max<std::size_t>(4, size[1] * size[2] / 26000));
        p.seed = 77;
        ri = generateCellField(p).frames[0].ri;
    }
    const double rssBefore = peakRssGiB();

    PatchPredictor predictor(loadModelManifest(model), opt, [](const std::string& w) { std::cerr << "note: " << w << "\n"; });
    PredictionReport r;
    if (out.empty()) {
        NullSink sink;
        r = predictor.run(ri, sink);
    } else {
        ResultsWriter w(out);
        for (const auto& m : predictor.maps())
            w.addChannel(predictionChannelInfo(m, ri.grid(), {0.0}), VoxelType::Float32);
        ResultsPredictionSink sink(w, 0);
        r = predictor.run(ri, sink);
        w.commit();
    }
    const double voxels = double(ri.voxels());
    std::printf("| size (z,y,x) | model | device | threads | tta | mc | patches | forward s | total s | voxels/s | engine overhead | peak RSS GiB (input alone) |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    std::printf("| %zux%zux%zu | %s | %s | %d | %d | %d | %zu | %.2f | %.2f | %.3g | %.1f %% | %.2f (%.2f) |\n", size[0],
                size[1], size[2], predictor.manifest().name.c_str(), r.device.c_str(), opt.threads, opt.tta, opt.mc,
                r.patches, r.forwardSeconds, r.totalSeconds, voxels / r.totalSeconds,
                100.0 * (r.totalSeconds - r.forwardSeconds) / r.forwardSeconds, peakRssGiB(), rssBefore);
    return 0;
}
