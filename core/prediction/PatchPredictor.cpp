#include "core/prediction/PatchPredictor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include "core/prediction/AxisTiling.h"
#include "core/prediction/Resample.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {

using Clock = std::chrono::steady_clock;

// In-plane dihedral transform k (0..7) of a [z][n][n] patch: flip x when k >= 4, then rotate
// k % 4 quarter turns (numpy.rot90 on the (y, x) axes). inverse=true undoes it.
void dihedral(const float* src, float* dst, std::size_t nz, std::size_t n, int k, bool inverse)
{
    const int turns = inverse ? (4 - k % 4) % 4 : k % 4;
    const bool flip = k >= 4;
    std::vector<float> tmp(n * n);
    for (std::size_t z = 0; z < nz; ++z) {
        const float* s = src + z * n * n;
        float* d = dst + z * n * n;
        // Forward: flip first, then rotate. Inverse: rotate back first, then flip.
        const float* plane = s;
        if (flip && !inverse) {
            for (std::size_t y = 0; y < n; ++y)
                for (std::size_t x = 0; x < n; ++x)
                    tmp[y * n + x] = s[y * n + (n - 1 - x)];
            plane = tmp.data();
        }
        std::vector<float> rotated(plane, plane + n * n);
        for (int t = 0; t < turns; ++t) {
            std::vector<float> next(n * n);
            for (std::size_t y = 0; y < n; ++y)
                for (std::size_t x = 0; x < n; ++x)
                    next[y * n + x] = rotated[x * n + (n - 1 - y)];
            rotated.swap(next);
        }
        if (flip && inverse) {
            for (std::size_t y = 0; y < n; ++y)
                for (std::size_t x = 0; x < n; ++x)
                    d[y * n + x] = rotated[y * n + (n - 1 - x)];
        } else {
            std::copy(rotated.begin(), rotated.end(), d);
        }
    }
}

bool isOutOfMemory(const std::exception& e)
{
    const std::string w = e.what();
    return w.find("out of memory") != std::string::npos || w.find("CUDA error: out of memory") != std::string::npos;
}

// Linear-interpolated percentiles (numpy's default) of the finite values, from at most ~2M evenly
// strided samples (bead volumes of 10^7 voxels: the estimate moves by far less than the noise).
std::array<float, 2> percentiles(const float* v, std::size_t n, const std::array<double, 2>& p)
{
    const std::size_t stride = std::max<std::size_t>(1, n >> 21);
    std::vector<float> s;
    s.reserve(n / stride + 1);
    for (std::size_t i = 0; i < n; i += stride)
        if (std::isfinite(v[i]))
            s.push_back(v[i]);
    if (s.empty())
        return {0.0f, 1.0f};
    std::array<float, 2> r{};
    for (int k = 0; k < 2; ++k) {
        const double pos = p[k] / 100.0 * double(s.size() - 1);
        const std::size_t lo = static_cast<std::size_t>(std::floor(pos));
        std::nth_element(s.begin(), s.begin() + lo, s.end());
        const float a = s[lo];
        const float b = lo + 1 < s.size() ? *std::min_element(s.begin() + lo + 1, s.end()) : a;
        r[k] = static_cast<float>(a + (pos - double(lo)) * (b - a));
    }
    return r;
}

ChannelRole roleForTask(const std::string& task)
{
    if (task == "segmentation")
        return ChannelRole::Probability;
    if (task == "fluorescence")
        return ChannelRole::PredictedFluorescence;
    return ChannelRole::Other;
}

} // namespace

struct PatchPredictor::Impl {
    std::vector<std::unique_ptr<InferenceModel>> models;  // one per manifest file
    std::string device;
    bool hasDropout = false;
};

PatchPredictor::PatchPredictor(ModelManifest manifest, PredictionOptions options,
                               std::function<void(const std::string&)> warn)
    : impl_(std::make_unique<Impl>()), manifest_(std::move(manifest)), options_(options)
{
    if (options_.tta < 1 || options_.tta > 8)
        throw InputError("--tta: must be between 1 and 8");
    if (options_.mc < 0 || options_.mc > 1000)
        throw InputError("--mc: must be between 0 and 1000");
    if (options_.batch < 1 || options_.batch > 1024)
        throw InputError("--batch: must be between 1 and 1024");
    if (options_.device != "auto" && options_.device != "cpu" && options_.device != "cuda")
        throw InputError("--device: expected auto, cpu or cuda");
    if (manifest_.task == "force" && options_.tta > 1)
        throw InputError("--tta: force models predict vector components, which in-plane rotations and flips would "
                         "have to transform too (not supported); use --tta 1");
    if (options_.tta > 4 && manifest_.patch[1] != manifest_.patch[2]) {
        if (warn)
            warn("patch is not square in y/x: test-time augmentation limited to flips and half turns");
    }
    InferenceBackend* backend = inferenceBackend();
    if (!backend)
        throw std::runtime_error("this build has no inference backend (LibTorch)");
    verifyModelChecksums(manifest_);
    backend->setThreads(options_.threads > 0 ? options_.threads
                                             : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    std::string device = options_.device == "auto" ? (backend->cudaAvailable() ? "cuda" : "cpu") : options_.device;
    if (device == "cuda" && !backend->cudaAvailable()) {
        if (warn)
            warn("CUDA is not available here; running on the CPU");
        device = "cpu";
    }
    impl_->device = device;
    for (const auto& f : manifest_.files) {
        impl_->models.push_back(backend->load(manifest_.filePath(f), device));
        impl_->hasDropout = impl_->hasDropout || impl_->models.back()->hasDropout();
    }
    if (options_.mc > 0 && !impl_->hasDropout) {
        if (warn)
            warn("model '" + manifest_.name + "' has no dropout: no model uncertainty (Monte Carlo dropout skipped)");
        options_.mc = 0;
    }
    const ChannelRole role = roleForTask(manifest_.task);
    for (const auto& name : manifest_.outputs()) {
        maps_.push_back({name, role, ""});
        if (options_.tta > 1)
            maps_.push_back({name + "_data_std", ChannelRole::Uncertainty, name});
        if (options_.mc > 0)
            maps_.push_back({name + "_model_std", ChannelRole::Uncertainty, name});
    }
}

PatchPredictor::~PatchPredictor() = default;

PredictionReport PatchPredictor::run(const Volume& input, PredictionSink& sink, const ProgressFn& progress,
                                     const CancelToken& cancel)
{
    return run(std::vector<const Volume*>{&input}, sink, progress, cancel);
}

PredictionReport PatchPredictor::run(const std::vector<const Volume*>& inputs, PredictionSink& sink,
                                     const ProgressFn& progress, const CancelToken& cancel)
{
    const auto t0 = Clock::now();
    PredictionReport report;
    report.device = impl_->device;
    report.dataUncertainty = options_.tta > 1;
    report.modelUncertainty = options_.mc > 0;
    const std::size_t inChannels = manifest_.inputChannels.size();
    if (inputs.size() != inChannels)
        throw InputError("model '" + manifest_.name + "' takes " + std::to_string(inChannels) + " input volume(s), got " +
                         std::to_string(inputs.size()));
    for (const Volume* v : inputs) {
        if (!v || v->components() != 1)
            throw InputError("prediction input must be a scalar volume");
        if (v->shape() != inputs[0]->shape())
            throw InputError("prediction inputs differ in shape");
    }
    const Volume& input = *inputs[0];

    // Work on the model's voxel grid; bring results back to the input grid at the end.
    Grid modelGrid = input.grid();
    report.resampled = needsResampling(input.grid().spacing_um, manifest_.voxelSize_um);
    if (report.resampled) {
        modelGrid.shape = resampledShape(input.grid(), manifest_.voxelSize_um);
        modelGrid.spacing_um = manifest_.voxelSize_um;
    }
    // Per input channel: float32 samples on the model grid and the affine scaling (v - offset) * scale,
    // clamped to [lo, hi] for RI ("clip") and unbounded for "percentile".
    std::vector<Volume> converted(inChannels);
    std::vector<const float*> in(inChannels);
    std::vector<float> offset(inChannels), scale(inChannels), clampLo(inChannels), clampHi(inChannels);
    const bool clip = manifest_.normalisation == "clip";
    for (std::size_t c = 0; c < inChannels; ++c) {
        const Volume& v = *inputs[c];
        if (report.resampled)
            converted[c] = resampleTrilinear(v, modelGrid);
        else if (v.type() != VoxelType::Float32)
            converted[c] = v.toFloat();
        in[c] = converted[c].empty() ? v.data<float>() : converted[c].data<float>();
        std::array<float, 2> range{static_cast<float>(manifest_.clip[0]), static_cast<float>(manifest_.clip[1])};
        if (!clip)
            range = percentiles(in[c], modelGrid.voxels(), manifest_.percentiles);
        offset[c] = range[0];
        scale[c] = range[1] > range[0] ? 1.0f / (range[1] - range[0]) : 1.0f;
        clampLo[c] = clip ? range[0] : -std::numeric_limits<float>::infinity();
        clampHi[c] = clip ? range[1] : std::numeric_limits<float>::infinity();
    }
    const auto& n = modelGrid.shape;

    const std::array<AxisTiling, 3> tiles{planAxis(n[0], manifest_.patch[0], options_.overlap),
                                          planAxis(n[1], manifest_.patch[1], options_.overlap),
                                          planAxis(n[2], manifest_.patch[2], options_.overlap)};
    const std::size_t pz = manifest_.patch[0], py = manifest_.patch[1], px = manifest_.patch[2];
    const std::size_t patchVoxels = pz * py * px;
    const std::size_t Zp = tiles[0].paddedLength(), Xp = tiles[2].paddedLength();
    report.patches = tiles[0].count * tiles[1].count * tiles[2].count;

    // Streaming: results on the model grid go straight to the sink unless they must be resampled.
    MemoryPredictionSink modelGridSink;
    PredictionSink& out = report.resampled ? static_cast<PredictionSink&>(modelGridSink) : sink;
    out.begin(maps_, modelGrid);

    const auto names = manifest_.outputs();
    const std::size_t channels = names.size();
    const std::size_t maps = maps_.size();
    const std::size_t mapsPerChannel = maps / channels;
    const float outLo = static_cast<float>(manifest_.outputRange[0]), outHi = static_cast<float>(manifest_.outputRange[1]);

    // Accumulators for one row of patches along y (all z, all x, patch height in y).
    std::vector<std::vector<float>> acc(maps, std::vector<float>(Zp * py * Xp, 0.0f));
    std::vector<float> weights(Zp * py * Xp, 0.0f);

    const int tta = options_.tta;
    const bool square = py == px;
    auto transformAllowed = [&](int k) { return square || k % 2 == 0; };  // half turns and flips keep shape
    std::vector<int> transforms;
    for (int k = 0; (int)transforms.size() < tta && k < 8; ++k)
        if (transformAllowed(k))
            transforms.push_back(k);
    if (options_.mc > 0)
        for (auto& m : impl_->models)
            m->seed(options_.seed);

    int batch = options_.batch;
    std::size_t done = 0;
    const std::size_t totalPatches = report.patches;

    // Runs every model file on `inputs` ([B,inputs,pz,py,px]) and returns [B, channels, pz, py, px].
    auto forwardAll = [&](const Tensor& inputs, bool dropout) {
        Tensor all;
        const bool single = impl_->models.size() == 1;
        const auto B = inputs.shape[0];
        all.shape = {B, static_cast<std::int64_t>(channels), (std::int64_t)pz, (std::int64_t)py, (std::int64_t)px};
        if (!single)
            all.values.assign(static_cast<std::size_t>(B) * channels * patchVoxels, 0.0f);
        std::size_t c0 = 0;
        for (std::size_t f = 0; f < impl_->models.size(); ++f) {
            auto& model = *impl_->models[f];
            model.setDropoutActive(dropout);
            const auto tf = Clock::now();
            Tensor o = model.forward(inputs);
            report.forwardSeconds += std::chrono::duration<double>(Clock::now() - tf).count();
            ++report.forwardPasses;
            const std::size_t expectC = manifest_.files[f].outputs.size();
            if (o.shape.size() != 5 || o.shape[0] != B || o.shape[1] != (std::int64_t)expectC ||
                o.shape[2] != (std::int64_t)pz || o.shape[3] != (std::int64_t)py || o.shape[4] != (std::int64_t)px) {
                std::string got;
                for (auto d : o.shape)
                    got += (got.empty() ? "" : ",") + std::to_string(d);
                throw inputError(manifest_.filePath(manifest_.files[f]),
                                 "model output shape [" + got + "] disagrees with its manifest (" +
                                     std::to_string(expectC) + " channels, patch " + std::to_string(pz) + "x" +
                                     std::to_string(py) + "x" + std::to_string(px) + ")");
            }
            if (single)
                return o;  // already [B, channels, ...]: no copy
            for (std::int64_t b = 0; b < B; ++b)
                for (std::size_t c = 0; c < expectC; ++c)
                    std::copy(o.values.begin() + ((b * expectC + c) * patchVoxels),
                              o.values.begin() + ((b * expectC + c + 1) * patchVoxels),
                              all.values.begin() + ((b * channels + c0 + c) * patchVoxels));
            c0 += expectC;
        }
        return all;
    };

    // Mirror-index tables per axis over the padded extent: no modulo arithmetic per voxel.
    std::array<std::vector<std::size_t>, 3> mirror;
    for (int a = 0; a < 3; ++a) {
        mirror[a].resize(tiles[a].paddedLength());
        for (std::size_t i = 0; i < mirror[a].size(); ++i)
            mirror[a][i] = mirrorIndex((long long)i - (long long)tiles[a].padBefore, n[a]);
    }
    const bool plain = transforms.size() == 1 && options_.mc == 0;  // no uncertainty bookkeeping
    std::vector<float> rowWeight(px);

    // Adds one patch's per-channel values (maps interleaved per channel as in maps_) to the row buffer.
    auto accumulate = [&](const std::array<std::size_t, 3>& o, std::size_t yRowStart,
                          const std::function<const float*(std::size_t map)>& mapValues) {
        for (std::size_t z = 0; z < pz; ++z) {
            const float wz = tiles[0].weight[z];
            if (wz == 0.0f)
                continue;
            for (std::size_t y = 0; y < py; ++y) {
                const float wzy = wz * tiles[1].weight[y];
                if (wzy == 0.0f)
                    continue;
                for (std::size_t x = 0; x < px; ++x)
                    rowWeight[x] = wzy * tiles[2].weight[x];
                const std::size_t rowBase = ((o[0] + z) * py + (o[1] + y - yRowStart)) * Xp + o[2];
                const std::size_t pi = (z * py + y) * px;
                float* wrow = weights.data() + rowBase;
                for (std::size_t x = 0; x < px; ++x)
                    wrow[x] += rowWeight[x];
                for (std::size_t m = 0; m < maps; ++m) {
                    const float* v = mapValues(m) + pi;
                    float* arow = acc[m].data() + rowBase;
                    for (std::size_t x = 0; x < px; ++x)
                        arow[x] += rowWeight[x] * v[x];
                }
            }
        }
    };

    // Processes a batch of patch origins (padded coordinates) of the current y row.
    auto processBatch = [&](const std::vector<std::array<std::size_t, 3>>& origins, std::size_t yRowStart) {
        const std::size_t B = origins.size();
        Tensor tin;
        tin.shape = {(std::int64_t)B, (std::int64_t)inChannels, (std::int64_t)pz, (std::int64_t)py, (std::int64_t)px};
        tin.values.resize(B * inChannels * patchVoxels);
        for (std::size_t b = 0; b < B; ++b)
            for (std::size_t c = 0; c < inChannels; ++c) {
                float* p = tin.values.data() + (b * inChannels + c) * patchVoxels;
                const std::size_t* xs = mirror[2].data() + origins[b][2];
                const float lo = clampLo[c], hi = clampHi[c], off = offset[c], sc = scale[c];
                for (std::size_t z = 0; z < pz; ++z) {
                    const std::size_t sz = mirror[0][origins[b][0] + z];
                    for (std::size_t y = 0; y < py; ++y) {
                        const float* row = in[c] + (sz * n[1] + mirror[1][origins[b][1] + y]) * n[2];
                        for (std::size_t x = 0; x < px; ++x) {
                            const float v = row[xs[x]];
                            *p++ = std::isfinite(v) ? (std::clamp(v, lo, hi) - off) * sc : 0.0f;
                        }
                    }
                }
            }
        if (plain) {
            Tensor o = forwardAll(tin, false);
            for (float& v : o.values)
                v = std::clamp(v, outLo, outHi);
            for (std::size_t b = 0; b < B; ++b)
                accumulate(origins[b], yRowStart, [&](std::size_t m) { return o.values.data() + (b * channels + m) * patchVoxels; });
            return;
        }
        // Means and standard deviations over the TTA transforms and over the MC passes.
        const std::vector<float> patches = tin.values;
        const std::size_t vals = B * channels * patchVoxels;
        std::vector<double> sumT(vals, 0.0), sqT(vals, 0.0), sumM, sqM;
        std::vector<float> back(patchVoxels);
        for (int k : transforms) {
            for (std::size_t b = 0; b < B * inChannels; ++b)  // every input channel of every patch
                if (k != 0)
                    dihedral(patches.data() + b * patchVoxels, tin.values.data() + b * patchVoxels, pz, py, k, false);
                else
                    std::copy(patches.begin() + b * patchVoxels, patches.begin() + (b + 1) * patchVoxels,
                              tin.values.begin() + b * patchVoxels);
            Tensor o = forwardAll(tin, false);
            for (std::size_t bc = 0; bc < B * channels; ++bc) {
                const float* v = o.values.data() + bc * patchVoxels;
                if (k != 0) {
                    dihedral(v, back.data(), pz, py, k, true);
                    v = back.data();
                }
                double* s = sumT.data() + bc * patchVoxels;
                double* q = sqT.data() + bc * patchVoxels;
                for (std::size_t i = 0; i < patchVoxels; ++i) {
                    s[i] += v[i];
                    q[i] += double(v[i]) * v[i];
                }
            }
        }
        if (options_.mc > 0) {
            sumM.assign(vals, 0.0);
            sqM.assign(vals, 0.0);
            std::copy(patches.begin(), patches.end(), tin.values.begin());
            for (int j = 0; j < options_.mc; ++j) {
                Tensor o = forwardAll(tin, true);
                for (std::size_t i = 0; i < vals; ++i) {
                    sumM[i] += o.values[i];
                    sqM[i] += double(o.values[i]) * o.values[i];
                }
            }
        }
        // Per patch: the maps of every channel (prediction, data std, model std), then blend.
        const double nT = double(transforms.size()), nM = double(options_.mc);
        std::vector<float> mapsOfPatch(maps * patchVoxels);
        for (std::size_t b = 0; b < B; ++b) {
            for (std::size_t c = 0; c < channels; ++c) {
                const std::size_t base = (b * channels + c) * patchVoxels;
                float* pred = mapsOfPatch.data() + (c * mapsPerChannel) * patchVoxels;
                float* dataStd = tta > 1 ? pred + patchVoxels : nullptr;
                float* modelStd = nM > 0 ? pred + (tta > 1 ? 2 : 1) * patchVoxels : nullptr;
                for (std::size_t i = 0; i < patchVoxels; ++i) {
                    const double meanT = sumT[base + i] / nT;
                    double value = meanT;
                    if (dataStd)
                        dataStd[i] = static_cast<float>(std::sqrt(std::max(0.0, sqT[base + i] / nT - meanT * meanT)));
                    if (modelStd) {
                        const double meanM = sumM[base + i] / nM;
                        modelStd[i] = static_cast<float>(std::sqrt(std::max(0.0, sqM[base + i] / nM - meanM * meanM)));
                        value = 0.5 * (meanT + meanM);  // the paper's final map: mean of both means
                    }
                    pred[i] = std::clamp(static_cast<float>(value), outLo, outHi);
                }
            }
            accumulate(origins[b], yRowStart, [&](std::size_t m) { return mapsOfPatch.data() + m * patchVoxels; });
        }
    };

    auto runBatch = [&](std::vector<std::array<std::size_t, 3>>& pending, std::size_t yRowStart) {
        std::size_t i = 0;
        while (i < pending.size()) {
            const std::size_t take = std::min<std::size_t>(static_cast<std::size_t>(batch), pending.size() - i);
            std::vector<std::array<std::size_t, 3>> chunk(pending.begin() + i, pending.begin() + i + take);
            try {
                processBatch(chunk, yRowStart);
            } catch (const InputError&) {
                throw;
            } catch (const std::exception& e) {
                if (report.device == "cuda" && isOutOfMemory(e) && batch > 1) {
                    batch = std::max(1, batch / 2);  // retry the same patches with a smaller batch
                    continue;
                }
                throw;
            }
            i += take;
            done += take;
            if (progress)
                progress(double(done) / double(totalPatches),
                         "patch " + std::to_string(done) + "/" + std::to_string(totalPatches));
        }
        pending.clear();
    };

    for (std::size_t ry = 0; ry < tiles[1].count; ++ry) {
        const std::size_t yRowStart = tiles[1].start(ry);
        std::vector<std::array<std::size_t, 3>> pending;
        for (std::size_t rz = 0; rz < tiles[0].count; ++rz)
            for (std::size_t rx = 0; rx < tiles[2].count; ++rx) {
                cancel.check();
                pending.push_back({tiles[0].start(rz), yRowStart, tiles[2].start(rx)});
                if (pending.size() >= static_cast<std::size_t>(batch))
                    runBatch(pending, yRowStart);
            }
        cancel.check();
        runBatch(pending, yRowStart);

        // Rows [yRowStart, yRowStart + final) are complete: no later patch reaches them.
        const bool last = ry + 1 == tiles[1].count;
        const std::size_t finalRows = last ? py : tiles[1].stride;
        const long long firstOrig = (long long)yRowStart - (long long)tiles[1].padBefore;
        const long long a = std::max<long long>(0, firstOrig);
        const long long b = std::min<long long>((long long)n[1], firstOrig + (long long)finalRows);
        if (b > a) {
            Grid bg = modelGrid;
            bg.shape = {n[0], static_cast<std::size_t>(b - a), n[2]};
            for (std::size_t m = 0; m < maps; ++m) {
                Volume block = Volume::zeros<float>(bg);
                float* dst = block.data<float>();
                for (std::size_t z = 0; z < n[0]; ++z)
                    for (long long y = a; y < b; ++y) {
                        const std::size_t ys = static_cast<std::size_t>(y - firstOrig);
                        const std::size_t base = ((z + tiles[0].padBefore) * py + ys) * Xp + tiles[2].padBefore;
                        for (std::size_t x = 0; x < n[2]; ++x) {
                            const float w = weights[base + x];
                            *dst++ = w > 0 ? acc[m][base + x] / w : 0.0f;
                        }
                    }
                out.write(m, static_cast<std::size_t>(a), block);
            }
        }
        // Shift the overlapping part of the row buffer to the front for the next row.
        if (!last) {
            const std::size_t keep = py - tiles[1].stride;
            auto shift = [&](std::vector<float>& buf) {
                for (std::size_t z = 0; z < Zp; ++z) {
                    float* plane = buf.data() + z * py * Xp;
                    std::copy(plane + tiles[1].stride * Xp, plane + py * Xp, plane);
                    std::fill(plane + keep * Xp, plane + py * Xp, 0.0f);
                }
            };
            for (auto& m : acc)
                shift(m);
            shift(weights);
        }
    }

    if (report.resampled) {
        sink.begin(maps_, input.grid());
        for (std::size_t m = 0; m < maps; ++m)
            sink.write(m, 0, resampleTrilinear(modelGridSink.volumes[m], input.grid()));
    }
    report.batch = batch;
    report.totalSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return report;
}

} // namespace rfx
