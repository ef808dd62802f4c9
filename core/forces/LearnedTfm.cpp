#include "core/forces/LearnedTfm.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/forces/DisplacementCorrelator.h"
#include "core/forces/NodeLayout.h"
#include "core/prediction/Resample.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {

// Mean of one field component over every node's window, weighted by the classical method's Tukey
// apodisation, as (nz, ny, nx) node values. A DVC vector is the displacement of its whole window, and
// the learned node values are made the same quantity: point samples carried the network's fine-scale
// errors into the strain, where the pressure term (lambda tr e, 9 mu at nu = 0.45) multiplies them.
// Separable: x, then y, then z; windows lie inside the volume (NodeLayout).
std::vector<double> windowMeans(const Volume& v, const NodeLayout& l)
{
    const auto& n = v.shape();
    std::array<std::vector<double>, 3> w;
    for (int a = 0; a < 3; ++a) {
        w[a] = tukeyWindow(l.window[a]);
        double sum = 0;
        for (double x : w[a])
            sum += x;
        for (double& x : w[a])
            x /= sum;
    }
    const std::size_t nz = n[0], ny = n[1], nx = n[2];
    const std::size_t cz = l.count[0], cy = l.count[1], cx = l.count[2];
    const float* d = v.data<float>();
    std::vector<double> bx(nz * ny * cx), by(nz * cy * cx), bz(cz * cy * cx);
    for (std::size_t r = 0; r < nz * ny; ++r)
        for (std::size_t k = 0; k < cx; ++k) {
            const float* row = d + r * nx + l.start(2, static_cast<int>(k));
            double s = 0;
            for (std::size_t i = 0; i < w[2].size(); ++i)
                s += w[2][i] * row[i];
            bx[r * cx + k] = s;
        }
    for (std::size_t z = 0; z < nz; ++z)
        for (std::size_t k = 0; k < cy; ++k)
            for (std::size_t x = 0; x < cx; ++x) {
                double s = 0;
                const std::size_t y0 = static_cast<std::size_t>(l.start(1, static_cast<int>(k)));
                for (std::size_t i = 0; i < w[1].size(); ++i)
                    s += w[1][i] * bx[(z * ny + y0 + i) * cx + x];
                by[(z * cy + k) * cx + x] = s;
            }
    for (std::size_t k = 0; k < cz; ++k) {
        const std::size_t z0 = static_cast<std::size_t>(l.start(0, static_cast<int>(k)));
        for (std::size_t j = 0; j < cy * cx; ++j) {
            double s = 0;
            for (std::size_t i = 0; i < w[0].size(); ++i)
                s += w[0][i] * by[(z0 + i) * cy * cx + j];
            bz[k * cy * cx + j] = s;
        }
    }
    return bz;
}

// The stressed volume moved back by a whole-voxel drift (z, y, x): out(p) = stressed(p + drift). Where
// p + drift lies outside the stack there is no stressed data; the relaxed image fills in, so that the
// network sees no motion there (beyond the drift) instead of the false motion of repeated edge slices.
VolumePtr undoDrift(const Volume& stressed, const Volume& relaxed, const std::array<double, 3>& drift)
{
    const Volume s = stressed.toFloat(), r = relaxed.toFloat();
    auto out = std::make_shared<Volume>(Volume::zeros<float>(stressed.grid()));
    const auto& n = stressed.shape();
    const float* src = s.data<float>();
    const float* rel = r.data<float>();
    float* dst = out->data<float>();
    std::array<long, 3> d;
    for (int a = 0; a < 3; ++a)
        d[a] = std::lround(drift[a]);
    auto inside = [&](long i, int a) { return i >= 0 && i < static_cast<long>(n[a]); };
    for (long z = 0; z < static_cast<long>(n[0]); ++z)
        for (long y = 0; y < static_cast<long>(n[1]); ++y)
            for (long x = 0; x < static_cast<long>(n[2]); ++x) {
                const long sz = z + d[0], sy = y + d[1], sx = x + d[2];
                const std::size_t i = (static_cast<std::size_t>(z) * n[1] + y) * n[2] + x;
                dst[i] = inside(sz, 0) && inside(sy, 1) && inside(sx, 2)
                             ? src[(static_cast<std::size_t>(sz) * n[1] + sy) * n[2] + sx]
                             : rel[i];
            }
    return out;
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

LearnedTfmInputs learnedTfmInputs(const TfmInputs& classical, const std::string& modelDirectory)
{
    LearnedTfmInputs li;
    li.relaxed = classical.relaxed;
    li.stressed = classical.stressed;
    li.cellMask = classical.cellMask;
    li.modelDirectory = modelDirectory;
    li.window = classical.params.dvc.window;
    li.elasticity = classical.params.elasticity;
    return li;
}

std::string learnedRunJson(const LearnedTfmResult& r, const std::string& modelDirectory)
{
    const nlohmann::ordered_json j = {{"name", r.modelName},
                                      {"directory", std::filesystem::absolute(modelDirectory).string()},
                                      {"device", r.prediction.device},
                                      {"patches", r.prediction.patches},
                                      {"resampled", r.prediction.resampled},
                                      {"network_seconds", r.prediction.forwardSeconds}};
    return j.dump();
}

std::string learnedAnalysisName(const LearnedTfmResult& r)
{
    return "3D cellular force microscopy (learned: " + r.modelName + " network + direct method)";
}

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
    // Stage drift between the acquisitions can be several µm, beyond the network's capture range: the
    // same whole-voxel estimate the correlator starts from is taken out of the stressed volume before
    // the network and added back to its field (FM-Track's example pair: -4.5 µm in z).
    const std::array<double, 3> drift = estimateRigidDrift(*in.relaxed, *in.stressed);
    const bool drifted = drift[0] != 0 || drift[1] != 0 || drift[2] != 0;
    const VolumePtr stressed = drifted ? undoDrift(*in.stressed, *in.relaxed, drift) : in.stressed;
    MemoryPredictionSink field;
    out.prediction = predictor.run({in.relaxed.get(), stressed.get()}, field, subProgress(progress, 0.0, 0.9), cancel);

    // The network's field averaged over the classical method's final windows, at its node grid.
    const NodeLayout l = NodeLayout::make(g.shape, windowShape(in.window, g.spacing_um), 0.5);
    out.tfm.dvc = emptyDvcResult(l, g);
    DvcResult& d = out.tfm.dvc;
    float* um = d.displacement_um.data<float>();
    float* vox = d.displacement_vox.data<float>();
    std::fill_n(d.quality.data<float>(), d.quality.voxels(), 1.0f);
    for (int c = 0; c < 3; ++c) {  // component c = x, y, z is axis 2 - c
        const std::vector<double> mean = windowMeans(field.volumes[static_cast<std::size_t>(c)], l);
        const double shift_um = drift[static_cast<std::size_t>(2 - c)] * g.spacing_um[2 - c];
        for (std::size_t i = 0; i < mean.size(); ++i) {
            um[3 * i + c] = static_cast<float>(mean[i] + shift_um);
            vox[3 * i + c] = static_cast<float>(um[3 * i + c] / g.spacing_um[2 - c]);
        }
    }
    d.drift_vox = {drift[2], drift[1], drift[0]};
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
