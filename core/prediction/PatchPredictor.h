#pragma once
// The patch engine that runs a model package over a volume: resample to the model's voxel size,
// normalise (RI clipped to the manifest's range and scaled to [0, 1], or per-volume percentile
// scaling), mirror-pad, tile in 3D with
// overlap, run batches of patches (test-time augmentation over the 8 in-plane dihedral transforms,
// Monte Carlo dropout), blend with a smooth window normalised by the summed weights, and stream
// finished rows of patches to a sink. Used for fluorescence, segmentation and force models alike.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/inference/InferenceBackend.h"
#include "core/prediction/ModelManifest.h"
#include "core/prediction/PredictionSink.h"
#include "core/util/Progress.h"

namespace rfx {

struct PredictionOptions {
    int tta = 1;                 // 1..8 in-plane dihedral transforms (data uncertainty when > 1; 1 for force models)
    int mc = 0;                  // Monte Carlo dropout passes (model uncertainty when > 0)
    std::string device = "auto"; // auto | cpu | cuda
    int batch = 2;               // patches per forward pass (halved on CUDA out-of-memory)
    std::uint64_t seed = 0;      // dropout masks
    double overlap = 0.5;        // fraction of the patch in y and x (and z when deeper than a patch)
    int threads = 0;             // 0: all hardware threads
};

struct PredictionReport {
    std::string device;
    int batch = 0;            // batch size finally used
    std::size_t patches = 0;  // patches per pass
    std::size_t forwardPasses = 0;
    double forwardSeconds = 0;  // time inside the network's forward calls
    double totalSeconds = 0;
    bool modelUncertainty = false;
    bool dataUncertainty = false;
    bool resampled = false;
};

class PatchPredictor {
public:
    // Verifies checksums and loads every model file of the package. `warn` receives one-line
    // notices (CUDA fallback, no dropout in the model). Throws InputError for a bad package.
    PatchPredictor(ModelManifest manifest, PredictionOptions options,
                   std::function<void(const std::string&)> warn = {});
    ~PatchPredictor();

    // The output maps in order: per output channel the prediction, then (when requested and
    // possible) "<name>_data_std" and "<name>_model_std".
    const std::vector<PredictionMap>& maps() const { return maps_; }
    const ModelManifest& manifest() const { return manifest_; }

    // Runs over one volume (RI for fluorescence/segmentation models). The sink receives blocks on
    // the input's grid. Throws CancelledError when cancelled (checked before every patch).
    PredictionReport run(const Volume& input, PredictionSink& sink, const ProgressFn& progress = {},
                         const CancelToken& cancel = {});
    // Several input volumes on one grid, one per manifest input channel in that order (e.g. a relaxed
    // and a stressed bead volume for a force model); each is normalised on its own. InputError when the
    // count or the shapes disagree.
    PredictionReport run(const std::vector<const Volume*>& inputs, PredictionSink& sink,
                         const ProgressFn& progress = {}, const CancelToken& cancel = {});

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    ModelManifest manifest_;
    PredictionOptions options_;
    std::vector<PredictionMap> maps_;
};

} // namespace rfx
