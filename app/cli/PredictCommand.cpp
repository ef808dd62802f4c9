#include <filesystem>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/Commands.h"
#include "core/io/DatasetOpener.h"
#include "core/io/ResultsReader.h"
#include "core/io/ResultsWriter.h"
#include "core/prediction/ModelLocator.h"
#include "core/prediction/PatchPredictor.h"
#include "core/prediction/ResultsPredictionSink.h"
#include "core/util/Errors.h"

namespace rfx::cli {

namespace fs = std::filesystem;

namespace {

// Writes one frame's RI and prediction maps into `w` (channels already declared) as frame `slot`.
PredictionReport predictFrame(PatchPredictor& predictor, const Dataset& ds, int riChannel, std::size_t t,
                              ResultsWriter& w, std::size_t slot, const ProgressFn& progress, const CancelToken& cancel)
{
    VolumePtr ri = ds.frame(static_cast<std::size_t>(riChannel), t);
    if (ri->nonFiniteCount())
        throw inputError(ds.path(), "frame " + std::to_string(t) + " has NaN/Inf voxels");
    w.writeFrame("ri", slot, ri->type() == VoxelType::Float32 ? *ri : ri->toFloat());
    ResultsPredictionSink sink(w, slot);
    return predictor.run(*ri, sink, progress, cancel);
}

void declareChannels(ResultsWriter& w, const PatchPredictor& predictor, const ChannelInfo& riInfo,
                     const std::vector<double>& times)
{
    ChannelInfo ri = riInfo;
    ri.name = "ri";
    ri.times_s = times;
    w.addChannel(ri, VoxelType::Float32);
    for (const auto& m : predictor.maps())
        w.addChannel(predictionChannelInfo(m, riInfo.grid, times), VoxelType::Float32);
}

std::string frameFileName(std::size_t t)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "frame_%06zu.h5", t);
    return buf;
}

} // namespace

CommandSpec predictSpec()
{
    CommandSpec s;
    s.name = "predict";
    s.usage = "predict IN -o OUT.h5 [--model DIR] [--tta 1..8] [--mc N] [--device auto|cpu|cuda] [--frames A:B]";
    s.summary = "Predict fluorescence channels from an RI tomogram or time-lapse (RI2FL), with uncertainty maps.";
    s.details =
        "Runs a model package patch by patch (mirror padding, overlapping 3D tiles, smooth blending) and streams\n"
        "the results into OUT.h5: the input RI as channel 'ri', one channel per predicted target, and with\n"
        "--tta > 1 '<target>_data_std' (test-time augmentation over in-plane flips and rotations) and with\n"
        "--mc > 0 '<target>_model_std' (Monte Carlo dropout). The prediction is the mean of the TTA mean and\n"
        "the MC mean. --frames A:B selects frames A..B-1 (either side may be omitted; 'A' alone is one frame).\n"
        "Time-lapses are written frame by frame into a hidden folder beside OUT (.OUT.frames); an interrupted\n"
        "run keeps the finished frames there, and a rerun with the same options skips them. The default\n"
        "model is the bundled ri2fl-synthetic package.";
    s.options = {{"output", true, "output results file (.h5)", "OUT.h5"},
                 {"model", true, "model package folder (default: bundled ri2fl-synthetic)", "DIR"},
                 {"tta", true, "test-time augmentations, 1..8 (default 1)", "N"},
                 {"mc", true, "Monte Carlo dropout passes (default 0)", "N"},
                 {"device", true, "auto, cpu or cuda (default auto)", "DEV"},
                 {"frames", true, "frame range A:B (default all)", "A:B"},
                 {"batch", true, "patches per forward pass (default 2)", "N"},
                 {"seed", true, "random seed for dropout (default 0)", "S"},
                 {"overlap", true, "patch overlap fraction in y/x (default 0.5)", "F"},
                 {"threads", true, "CPU threads (default: all cores)", "N"},
                 {"quiet", false, "no progress bar"}};
    s.minPositional = s.maxPositional = 1;
    return s;
}

int runPredict(const ParsedArgs& args)
{
    const std::string in = args.positional[0];
    const std::string out = requireResultsOutput(args, "predict");

    PredictionOptions opt;
    opt.tta = static_cast<int>(args.getInt("tta", 1));
    opt.mc = static_cast<int>(args.getInt("mc", 0));
    opt.device = args.get("device", "auto");
    opt.batch = static_cast<int>(args.getInt("batch", 2));
    opt.seed = static_cast<std::uint64_t>(args.getInt("seed", 0));
    opt.overlap = args.getDouble("overlap", 0.5);
    opt.threads = static_cast<int>(args.getInt("threads", 0));
    if (!(opt.overlap >= 0 && opt.overlap <= 0.9))
        throw InputError("--overlap: must be in [0, 0.9]");

    DatasetPtr ds = openDataset(in);
    const int riChannel = ds->firstChannelWithRole(ChannelRole::RefractiveIndex);
    if (riChannel < 0)
        throw inputError(in, "not an RI volume (no refractive-index channel); prediction needs an RI tomogram");
    const ChannelInfo& riInfo = ds->channel(static_cast<std::size_t>(riChannel));
    const std::vector<std::size_t> frames =
        args.has("frames") ? parseFrameRange(args.get("frames"), riInfo.frames()) : parseFrameRange(":", riInfo.frames());
    const std::string modelDir = args.has("model") ? args.get("model") : bundledModelDirectory("ri2fl-synthetic");
    ModelManifest manifest = loadModelManifest(modelDir);
    if (manifest.task != "fluorescence" && manifest.task != "segmentation")
        throw inputError(modelDir, "a '" + manifest.task + "' model cannot run on an RI volume");

    const bool quiet = args.has("quiet");
    auto warn = [quiet](const std::string& msg) {
        if (!quiet)
            std::cerr << "refractome-cli predict: note: " << msg << "\n";
    };
    PatchPredictor predictor(manifest, opt, warn);
    InterruptGuard interrupt;
    ProgressBar bar("predict", quiet);
    std::vector<double> times;
    for (std::size_t t : frames)
        times.push_back(riInfo.times_s[t]);
    const nlohmann::json fingerprint = {{"input", fs::absolute(in).string()}, {"model", manifest.name},
                                        {"model_sha256", manifest.sha256},      {"tta", opt.tta},
                                        {"mc", opt.mc},                         {"seed", opt.seed},
                                        {"overlap", opt.overlap}};
    PredictionReport last;
    auto summarise = [&](ResultsWriter& w) {
        w.setSource(in);
        w.setMediumRI(ds->info().mediumRI);
        w.writeText("prediction_parameters", fingerprint.dump(2));
    };

    if (frames.size() == 1) {
        ResultsWriter w(out);
        summarise(w);
        declareChannels(w, predictor, riInfo, times);
        last = predictFrame(predictor, *ds, riChannel, frames[0], w, 0, bar.callback(), interrupt.token());
        w.commit();
    } else {
        // Frame by frame into a hidden resume folder, then merged into OUT in one atomic step.
        const fs::path outPath(out);
        const fs::path resume = outPath.parent_path() / ("." + outPath.filename().string() + ".frames");
        fs::create_directories(resume);
        std::size_t skipped = 0;
        for (std::size_t i = 0; i < frames.size(); ++i) {
            const std::string framePath = (resume / frameFileName(frames[i])).string();
            if (fs::exists(framePath)) {
                try {
                    if (readResultsText(framePath, "prediction_parameters") == fingerprint.dump(2)) {
                        ++skipped;
                        continue;
                    }
                } catch (const InputError&) {
                    // An unreadable leftover is recomputed.
                }
            }
            ResultsWriter w(framePath);
            summarise(w);
            declareChannels(w, predictor, riInfo, {times[i]});
            last = predictFrame(predictor, *ds, riChannel, frames[i], w, 0,
                                subProgress(bar.callback(), double(i) / frames.size(), double(i + 1) / frames.size()),
                                interrupt.token());
            w.commit();
        }
        if (skipped && !quiet)
            std::cerr << "refractome-cli predict: " << skipped << " frame(s) already done, skipped\n";
        ResultsWriter w(out);
        summarise(w);
        declareChannels(w, predictor, riInfo, times);
        for (std::size_t i = 0; i < frames.size(); ++i) {
            interrupt.token().check();
            DatasetPtr done = openResults((resume / frameFileName(frames[i])).string());
            for (std::size_t c = 0; c < done->channelCount(); ++c)
                w.writeFrame(done->channel(c).name, i, *done->frame(c, 0));
        }
        w.commit();
        fs::remove_all(resume);
    }
    bar.finish();
    if (!quiet) {
        std::ostringstream msg;
        msg << "wrote " << out << " (" << frames.size() << " frame(s), " << predictor.maps().size()
            << " maps, device " << last.device;
        if (last.totalSeconds > 0)
            msg << ", last frame " << last.totalSeconds << " s, " << last.patches << " patches";
        msg << ")\n";
        std::cerr << msg.str();
    }
    return kExitOk;
}

} // namespace rfx::cli
