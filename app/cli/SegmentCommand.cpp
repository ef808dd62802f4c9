#include <cstdio>
#include <sstream>

#include "app/cli/Commands.h"
#include "core/io/DatasetOpener.h"
#include "core/segmentation/DatasetSegmentation.h"
#include "core/segmentation/OrganelleTable.h"
#include "core/util/Errors.h"

namespace rfx::cli {

namespace {

// "nucleus=0.4,nucleoli=0.3" -> per-organelle thresholds.
std::map<std::string, double> parseThresholds(const std::string& text)
{
    std::map<std::string, double> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        const auto eq = item.find('=');
        const std::string name = item.substr(0, eq);
        bool known = false;
        for (const OrganelleSpec& s : kOrganelles)
            known |= name == s.name;
        if (eq == std::string::npos || !known)
            throw InputError("--threshold: expected ORGANELLE=VALUE with ORGANELLE one of nucleus, nucleoli, "
                             "membrane, lipid_droplets, mitochondria; got '" + item + "'");
        try {
            std::size_t used = 0;
            const double v = std::stod(item.substr(eq + 1), &used);
            if (used != item.size() - eq - 1 || !(v >= 0 && v <= 1))
                throw std::invalid_argument("range");
            out[name] = v;
        } catch (const std::exception&) {
            throw InputError("--threshold: '" + item + "' needs a value between 0 and 1");
        }
    }
    return out;
}

} // namespace

CommandSpec segmentSpec()
{
    CommandSpec s;
    s.name = "segment";
    s.usage = "segment IN.h5 -o OUT.h5 [--otsu] [--threshold NAME=V,...] [--frames A:B] [--cell-ri-offset D] [--nucleus-relative F] [--no-split]";
    s.summary = "Segment organelles, nuclei and cells from an RI tomogram with predicted fluorescence.";
    s.details =
        "IN is usually the output of predict (RI plus the predicted channels); measured fluorescence channels\n"
        "with the target names work too. Organelle masks (nucleus, nucleoli, membrane, lipid_droplets,\n"
        "mitochondria) come from fixed thresholds on the [0,1] channel intensity (defaults in\n"
        "docs/segmentation.md) or Otsu's method (--otsu). With the default thresholds every nucleus is then\n"
        "cut again at F times its own median stain (--nucleus-relative, default 0.5: its half-maximum), so\n"
        "dim and bright nuclei get the same boundary. Nuclei are connected components of the nucleus\n"
        "mask (nucleoli added, holes filled), touching nuclei split on the distance map; cells are grown\n"
        "from the nuclei by marker-controlled watershed (ITK) on the membrane channel inside the cell\n"
        "foreground (smoothed RI above the medium RI + D, default 0.006). OUT holds the input channels,\n"
        "<organelle>_mask, nucleus_labels and cell_labels (a nucleus carries its cell's id), the table\n"
        "'cells' (id, volume, has_nucleus, touches_border: cut by the lateral field border) and the\n"
        "parameters used.\n"
        "\n"
        "Segmentation models: when IN holds the outputs of predict with a model package of task\n"
        "'segmentation' (probability channels named after the organelles, and 'cell'), the organelle\n"
        "probabilities are thresholded at 0.5 (unless --threshold says otherwise) and the 'cell'\n"
        "probability replaces the RI foreground (> 0.5) and the membrane as the watershed landscape.";
    s.options = {{"output", true, "output results file (.h5)", "OUT.h5"},
                 {"otsu", false, "Otsu thresholds instead of the fixed defaults", ""},
                 {"threshold", true, "fixed threshold(s), e.g. nucleus=0.4,mitochondria=0.3", "NAME=V,..."},
                 {"frames", true, "frame range A:B (default all)", "A:B"},
                 {"cell-ri-offset", true, "cell foreground: RI above the medium (default 0.006)", "D"},
                 {"nucleus-relative", true, "each nucleus cut at F x its median stain; 0 = off (default 0.5)", "F"},
                 {"no-split", false, "do not split touching nuclei", ""}};
    s.minPositional = s.maxPositional = 1;
    return s;
}

int runSegment(const ParsedArgs& args)
{
    const std::string out = requireResultsOutput(args, "segment");
    DatasetSegmentationInputs in;
    if (args.has("otsu"))
        in.params.method = ThresholdMethod::Otsu;
    if (args.has("threshold"))
        in.params.thresholds = parseThresholds(args.get("threshold"));
    in.params.cellRiOffset = args.getDouble("cell-ri-offset", in.params.cellRiOffset);
    if (!(in.params.cellRiOffset > 0 && in.params.cellRiOffset < 0.1))
        throw InputError("--cell-ri-offset: expected an RI difference between 0 and 0.1");
    in.params.nucleusRelativeThreshold = args.getDouble("nucleus-relative", in.params.nucleusRelativeThreshold);
    if (!(in.params.nucleusRelativeThreshold >= 0 && in.params.nucleusRelativeThreshold < 1))
        throw InputError("--nucleus-relative: expected a fraction from 0 (off) to below 1");
    in.params.splitTouchingNuclei = !args.has("no-split");
    in.dataset = openDataset(args.positional[0]);
    const int ri = riChannelIndex(*in.dataset);
    if (ri < 0)
        throw inputError(args.positional[0], "no refractive-index channel to segment cells in");
    const std::size_t frames = in.dataset->channel(static_cast<std::size_t>(ri)).frames();
    in.frames = parseFrameRange(args.has("frames") ? args.get("frames") : ":", frames);
    in.outputPath = out;

    InterruptGuard interrupt;
    ProgressBar bar("segment");
    const DatasetSegmentationSummary sum = segmentDataset(in, bar.callback(), interrupt.token());
    bar.finish();
    std::size_t cells = 0, border = 0;
    for (std::size_t k = 0; k < sum.frames.size(); ++k) {
        cells += sum.cellsPerFrame[k];
        border += sum.borderCellsPerFrame[k];
    }
    std::printf("wrote %s (%zu frame(s), %zu cells, %zu cut by the border)\n", out.c_str(), sum.frames.size(), cells,
                border);
    return kExitOk;
}

} // namespace rfx::cli
