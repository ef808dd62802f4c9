#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/Commands.h"
#include "core/evaluation/DatasetEvaluation.h"
#include "core/io/DatasetOpener.h"
#include "core/util/Errors.h"

namespace rfx::cli {

namespace {
std::vector<std::string> splitList(const std::string& text)
{
    std::vector<std::string> items;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty())
            items.push_back(item);
    return items;
}

// JSON has no infinity or NaN: identical volumes (PSNR = inf) and constant ones (PCC undefined) give null.
nlohmann::ordered_json number(double v)
{
    return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

std::string cell(double v, int decimals)
{
    if (std::isnan(v))
        return "nan";
    if (std::isinf(v))
        return v > 0 ? "inf" : "-inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}
} // namespace

CommandSpec evaluateSpec()
{
    CommandSpec s;
    s.name = "evaluate";
    s.usage = "evaluate PRED TRUTH [--json] [--channels A,B] [--frame T] [--data-range L] [--ssim-window N]";
    s.summary = "Score predicted channels against ground truth: PSNR, Pearson correlation, 3D SSIM; Dice for masks.";
    s.details = "Channels are matched by name. By default every scalar channel present in both files except\n"
                "RI is scored. Intensity channels get PSNR = 10 log10(L^2/MSE), PCC and SSIM (3D Gaussian\n"
                "window, sigma 1.5, 7 taps by default, mean over voxels at least 3 from every border); label\n"
                "channels (and probability maps, thresholded at 0.5) get the foreground Dice coefficient; instance\n"
                "label channels (unit 'label', e.g. nucleus_labels, cell_labels) also get the instance Dice:\n"
                "instances paired by the Hungarian algorithm maximising total Dice, averaged over truth instances.\n"
                "L is 1 when the truth lies in [0,1], else the truth's max - min, unless --data-range is given.\n"
                "Identical volumes give PSNR inf (null in JSON). See docs/metrics.md.";
    s.options = {{"json", false, "print JSON instead of a table", ""},
                 {"channels", true, "comma-separated channel names to score", "A,B"},
                 {"frame", true, "time frame index (0-based, default 0)", "T"},
                 {"data-range", true, "data range L for PSNR and SSIM", "L"},
                 {"ssim-window", true, "SSIM Gaussian window in voxels per axis (odd, default 7; 11 = scikit-image)", "N"}};
    s.minPositional = s.maxPositional = 2;
    return s;
}

int runEvaluate(const ParsedArgs& args)
{
    EvaluationInputs in;
    const long long frame = args.getInt("frame", 0);
    if (frame < 0)
        throw InputError("--frame: must be >= 0");
    in.frame = static_cast<std::size_t>(frame);
    if (args.has("channels")) {
        in.channels = splitList(args.get("channels"));
        if (in.channels.empty())
            throw InputError("--channels: expected channel names separated by commas");
    }
    if (args.has("data-range"))
        in.dataRange = args.getDouble("data-range", 1.0);
    const long long taps = args.getInt("ssim-window", in.ssim.windowTaps);
    if (taps < 3 || taps > 31 || taps % 2 == 0)
        throw InputError("--ssim-window: must be an odd number between 3 and 31");
    in.ssim.windowTaps = static_cast<int>(taps);
    in.prediction = openDataset(args.positional[0]);
    in.truth = openDataset(args.positional[1]);

    InterruptGuard interrupt;
    ProgressBar bar("evaluate");
    const EvaluationReport report = evaluateDatasets(in, bar.callback(), interrupt.token());
    bar.finish();

    if (args.has("json")) {
        nlohmann::ordered_json j;
        j["prediction"] = args.positional[0];
        j["truth"] = args.positional[1];
        j["frame"] = report.frame;
        j["ssim_window"] = in.ssim.windowTaps;
        j["ssim_sigma"] = in.ssim.sigma;
        j["channels"] = nlohmann::ordered_json::object();
        for (const ChannelScore& s : report.channels) {
            nlohmann::ordered_json c;
            if (s.mask) {
                c["dice"] = number(s.dice);
                if (s.instances) {
                    c["instance_dice"] = number(s.instanceDice);
                    c["truth_instances"] = s.truthInstances;
                    c["predicted_instances"] = s.predictedInstances;
                }
            } else {
                c["psnr"] = number(s.psnr);
                c["pcc"] = number(s.pcc);
                c["ssim"] = number(s.ssim);
                c["mse"] = number(s.mse);
                c["data_range"] = s.dataRange;
            }
            j["channels"][s.name] = c;
        }
        std::cout << j.dump(2) << "\n";
        return kExitOk;
    }
    std::printf("%-20s %9s %8s %8s %8s\n", "channel", "PSNR(dB)", "PCC", "SSIM", "Dice");
    for (const ChannelScore& s : report.channels) {
        if (s.mask && s.instances)
            std::printf("%-20s %9s %8s %8s %8s  instances: Dice %s (%d truth, %d predicted)\n", s.name.c_str(), "-", "-",
                        "-", cell(s.dice, 4).c_str(), cell(s.instanceDice, 4).c_str(), s.truthInstances,
                        s.predictedInstances);
        else if (s.mask)
            std::printf("%-20s %9s %8s %8s %8s\n", s.name.c_str(), "-", "-", "-", cell(s.dice, 4).c_str());
        else
            std::printf("%-20s %9s %8s %8s %8s\n", s.name.c_str(), cell(s.psnr, 2).c_str(), cell(s.pcc, 4).c_str(),
                        cell(s.ssim, 4).c_str(), "-");
    }
    return kExitOk;
}

} // namespace rfx::cli
