#pragma once
// Learned 3D cellular force microscopy: a force model package (manifest task "force", inputs relaxed
// and stressed) maps the bead pair to the displacement field through the patch engine; the physics
// layers are core's analyseElasticity (strain, stress from the E and nu given at run time, force
// density, nodal forces) on the classical method's node grid, so both methods share one constitutive
// implementation and write the same outputs (TfmOutput).
#include <functional>
#include <string>

#include "core/forces/TfmPipeline.h"
#include "core/prediction/PatchPredictor.h"

namespace rfx {

struct LearnedTfmInputs {
    VolumePtr relaxed;
    VolumePtr stressed;
    VolumePtr cellMask;  // optional, as for the classical method
    std::string modelDirectory;
    // Engine options: device, threads, batch, overlap. Force models run without test-time augmentation
    // and Monte Carlo dropout (tta 1, mc 0).
    PredictionOptions prediction = [] {
        PredictionOptions o;
        o.batch = 1;       // whole volumes are one patch up to the manifest's patch size
        o.overlap = 0.25;  // larger volumes: a quarter of the patch shared (the field is smooth)
        return o;
    }();
    int window = 32;  // node grid of the classical method's final pass with this window (step = window / 2)
    ElasticityParams elasticity;
    std::function<void(const std::string&)> warn;  // engine notices (CUDA fallback)
};

struct LearnedTfmResult {
    // dvc holds the node grid and the network's displacement sampled there; quality is 1 at every node
    // (the network reports no per-node confidence) and no vector is rejected.
    TfmResult tfm;
    PredictionReport prediction;
    std::string modelName;
};

// The learned method's inputs for what the classical one would run on: the same volumes, mask,
// window and elasticity; the model package from `modelDirectory`. Engine options stay at their
// defaults.
LearnedTfmInputs learnedTfmInputs(const TfmInputs& classical, const std::string& modelDirectory);

// InputError for a bad material, mismatched volumes, or a package that is not a two-input, three-output
// force model; CancelledError when cancelled.
LearnedTfmResult runLearnedTfm(const LearnedTfmInputs& inputs, const ProgressFn& progress = {},
                               const CancelToken& cancel = {});

// The results file's record of a learned run (the `model` block of the parameters document: name,
// folder, device, patches, resampling, network seconds), as JSON; the CLI and the GUI write the same.
std::string learnedRunJson(const LearnedTfmResult& result, const std::string& modelDirectory);
// The results file's `analysis` line for a learned run.
std::string learnedAnalysisName(const LearnedTfmResult& result);

} // namespace rfx
