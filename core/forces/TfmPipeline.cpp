#include "core/forces/TfmPipeline.h"

#include "core/util/Errors.h"

namespace rfx {

void checkMaterial(const Material& m)
{
    if (!(m.young_Pa > 0) || !std::isfinite(m.young_Pa))
        throw InputError("Young's modulus must be > 0 Pa");
    if (!(m.poisson > -1 && m.poisson < 0.5))
        throw InputError("Poisson ratio must lie in (-1, 0.5)");
}

void checkTfmInputs(const Material& m, const VolumePtr& relaxed, const VolumePtr& stressed, const VolumePtr& cellMask)
{
    checkMaterial(m);
    if (!relaxed || !stressed)
        throw std::invalid_argument("3D force microscopy: missing volume");
    if (cellMask && cellMask->shape() != relaxed->shape())
        throw InputError("the cell mask and the bead volumes differ in shape");
}

TfmResult runClassicalTfm(const TfmInputs& in, const ProgressFn& progress, const CancelToken& cancel)
{
    checkTfmInputs(in.params.elasticity.material, in.relaxed, in.stressed, in.cellMask);

    TfmResult r;
    r.imageGrid = in.relaxed->grid();
    r.dvc = correlateVolumes({in.relaxed, in.stressed, in.params.dvc}, subProgress(progress, 0.0, 0.95), cancel);
    ElasticityInputs e;
    e.displacement_um = std::make_shared<const Volume>(r.dvc.displacement_um);
    e.cellMask = in.cellMask;
    e.params = in.params.elasticity;
    r.elasticity = analyseElasticity(e, subProgress(progress, 0.95, 1.0), cancel);
    return r;
}

} // namespace rfx
