#include "core/forces/LearnedTfm.h"

#include <algorithm>
#include <cmath>

#include "core/forces/NodeLayout.h"
#include "core/prediction/Resample.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {

// Trilinear sample of a float volume at voxel position (z, y, x), clamped to the volume.
float sampleTrilinear(const Volume& v, double z, double y, double x)
{
    const auto& n = v.shape();
    const float* d = v.data<float>();
    const double p[3] = {z, y, x};
    std::size_t i0[3], i1[3];
    double t[3];
    for (int a = 0; a < 3; ++a) {
        const double c = std::clamp(p[a], 0.0, double(n[a] - 1));
        i0[a] = static_cast<std::size_t>(std::floor(c));
        i1[a] = std::min(i0[a] + 1, n[a] - 1);
        t[a] = c - double(i0[a]);
    }
    double sum = 0;
    for (int k = 0; k < 8; ++k) {
        const std::size_t iz = (k & 4) ? i1[0] : i0[0], iy = (k & 2) ? i1[1] : i0[1], ix = (k & 1) ? i1[2] : i0[2];
        const double w = ((k & 4) ? t[0] : 1 - t[0]) * ((k & 2) ? t[1] : 1 - t[1]) * ((k & 1) ? t[2] : 1 - t[2]);
        sum += w * d[(iz * n[1] + iy) * n[2] + ix];
    }
    return static_cast<float>(sum);
}

ModelManifest forceManifest(const std::string& directory, const Grid& image)
{
    ModelManifest m = loadModelManifest(directory);
    if (m.task != "force")
        throw inputError(directory, "not a force model package (task '" + m.task + "')");
    if (m.inputChannels.size() != 2)
        throw inputError(directory, "a force model takes two inputs (relaxed, stressed)");
    if (m.outputs().size() != 3)
        throw inputError(directory, "a force model returns three outputs (x, y, z displacement in µm)");
    // The network is fully convolutional: a volume smaller than the patch runs as one patch of its own
    // size (rounded up to a multiple of 4) instead of being mirror-padded to the full patch, whose mirrored
    // beads would move the wrong way and cost time.
    const auto shape = needsResampling(image.spacing_um, m.voxelSize_um) ? resampledShape(image, m.voxelSize_um)
                                                                         : image.shape;
    for (int a = 0; a < 3; ++a)
        m.patch[a] = std::min(m.patch[a], std::max<std::size_t>(4, (shape[a] + 3) / 4 * 4));
    return m;
}

} // namespace

LearnedTfmResult runLearnedTfm(const LearnedTfmInputs& in, const ProgressFn& progress, const CancelToken& cancel)
{
    checkTfmInputs(in.elasticity.material, in.relaxed, in.stressed, in.cellMask);
    if (in.relaxed->shape() != in.stressed->shape())
        throw InputError("relaxed and stressed volumes differ in shape");
    if (!(in.window >= 8 && in.window <= 512))
        throw InputError("window must be between 8 and 512 voxels");
    const Grid& g = in.relaxed->grid();
    for (std::size_t s : g.shape)
        if (s < 8)
            throw InputError("volume too small (each axis needs at least 8 voxels)");

    LearnedTfmResult out;
    PredictionOptions opt = in.prediction;
    opt.tta = 1;
    opt.mc = 0;
    PatchPredictor predictor(forceManifest(in.modelDirectory, g), opt, in.warn);
    out.modelName = predictor.manifest().name;
    MemoryPredictionSink field;
    out.prediction = predictor.run({in.relaxed.get(), in.stressed.get()}, field, subProgress(progress, 0.0, 0.9), cancel);

    // The network's field sampled at the classical method's final node grid.
    const NodeLayout l = NodeLayout::make(g.shape, windowShape(in.window, g.spacing_um), 0.5);
    out.tfm.dvc = emptyDvcResult(l, g);
    DvcResult& d = out.tfm.dvc;
    float* um = d.displacement_um.data<float>();
    float* vox = d.displacement_vox.data<float>();
    std::fill_n(d.quality.data<float>(), d.quality.voxels(), 1.0f);
    for (int z = 0; z < l.count[0]; ++z)
        for (int y = 0; y < l.count[1]; ++y)
            for (int x = 0; x < l.count[2]; ++x) {
                const std::size_t i = l.index(z, y, x);
                for (int c = 0; c < 3; ++c) {  // component c = x, y, z is axis 2 - c
                    um[3 * i + c] = sampleTrilinear(field.volumes[static_cast<std::size_t>(c)], l.centre(0, z),
                                                    l.centre(1, y), l.centre(2, x));
                    vox[3 * i + c] = static_cast<float>(um[3 * i + c] / g.spacing_um[2 - c]);
                }
            }
    d.validFraction = 1.0;
    cancel.check();

    out.tfm.imageGrid = g;
    ElasticityInputs e;
    e.displacement_um = std::make_shared<const Volume>(d.displacement_um);
    e.cellMask = in.cellMask;
    e.params = in.elasticity;
    out.tfm.elasticity = analyseElasticity(e, subProgress(progress, 0.9, 1.0), cancel);
    return out;
}

} // namespace rfx
