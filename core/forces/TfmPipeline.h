#pragma once
// Classical 3D cellular force microscopy: digital volume correlation of a relaxed and a stressed bead
// volume, then the direct method (strain, stress, force density) on the correlation grid.
#include "core/forces/DisplacementCorrelator.h"
#include "core/forces/ElasticityAnalysis.h"

namespace rfx {

struct TfmParams {
    DvcParams dvc;
    ElasticityParams elasticity;
};

struct TfmInputs {
    VolumePtr relaxed;
    VolumePtr stressed;
    VolumePtr cellMask;  // optional binary mask (CellMask.h) on the image grid
    TfmParams params;
};

struct TfmResult {
    Grid imageGrid;  // the relaxed volume's grid
    DvcResult dvc;
    ElasticityResult elasticity;
};

// E > 0 (finite) and -1 < nu < 0.5; InputError otherwise. The GUI asks it before loading anything.
void checkMaterial(const Material& material);
// The checks both methods make before any work: E > 0, -1 < nu < 0.5, both volumes present, the mask (if
// any) the bead volumes' shape. InputError otherwise.
void checkTfmInputs(const Material& material, const VolumePtr& relaxed, const VolumePtr& stressed,
                    const VolumePtr& cellMask);

// Validates the material before the (long) correlation. Throws InputError / CancelledError.
TfmResult runClassicalTfm(const TfmInputs& inputs, const ProgressFn& progress = {}, const CancelToken& cancel = {});

} // namespace rfx
