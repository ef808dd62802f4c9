#include <algorithm>
#include <filesystem>
#include <iostream>

#include "app/cli/Commands.h"
#include "core/io/DatasetOpener.h"
#include "core/io/ResultsWriter.h"
#include "core/io/TiffWriter.h"
#include "core/util/Errors.h"

namespace rfx::cli {

namespace {
std::string lowerExt(const std::string& path)
{
    std::string e = std::filesystem::path(path).extension().string();
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
    return e;
}
} // namespace

CommandSpec convertSpec()
{
    CommandSpec s;
    s.name = "convert";
    s.usage = "convert IN OUT [--channel NAME] [--frame T]";
    s.summary = "Convert any readable input or results file to a results HDF5 (.h5) or an ImageJ TIFF (.tif).";
    s.details = "OUT ending in .h5/.hdf5 receives all channels and frames (or the selected ones).\n"
                "OUT ending in .tif/.tiff receives one channel and one frame as float32 (RI values in RI units);\n"
                "the default channel is the RI channel (else the first) and the default frame 0.\n"
                "The output appears only when complete (written to a temporary file, then renamed).";
    s.options = {{"channel", true, "channel to export", "NAME"}, {"frame", true, "time frame index (0-based)", "T"}};
    s.minPositional = s.maxPositional = 2;
    return s;
}

int runConvert(const ParsedArgs& args)
{
    const std::string in = args.positional[0];
    const std::string out = args.positional[1];
    const std::string ext = lowerExt(out);
    const bool toTiff = ext == ".tif" || ext == ".tiff";
    if (!toTiff && ext != ".h5" && ext != ".hdf5")
        throw InputError(out + ": unsupported output format (use .h5 or .tif)");
    if (std::filesystem::absolute(in) == std::filesystem::absolute(out))
        throw InputError(out + ": output would overwrite the input");

    DatasetPtr ds = openDataset(in);
    int channel = -1;
    if (args.has("channel")) {
        channel = ds->channelIndex(args.get("channel"));
        if (channel < 0) {
            std::string names;
            for (std::size_t c = 0; c < ds->channelCount(); ++c)
                names += (c ? ", " : "") + ds->channel(c).name;
            throw inputError(in, "no channel named '" + args.get("channel") + "' (available: " + names + ")");
        }
    }
    const long long frame = args.getInt("frame", -1);
    if (args.has("frame") && frame < 0)
        throw InputError("--frame: must be >= 0");

    InterruptGuard interrupt;
    if (toTiff) {
        if (channel < 0)
            channel = std::max(0, ds->firstChannelWithRole(ChannelRole::RefractiveIndex));
        const std::size_t t = frame < 0 ? 0 : static_cast<std::size_t>(frame);
        const ChannelInfo& ch = ds->channel(channel);
        if (t >= ch.frames())
            throw inputError(in, "channel '" + ch.name + "' has " + std::to_string(ch.frames()) + " frames; no frame " +
                                     std::to_string(t));
        if (ch.components > 1)
            throw inputError(in, "channel '" + ch.name + "' is a vector field; TIFF export takes scalar channels");
        VolumePtr v = ds->frame(channel, t);
        Volume f = v->type() == VoxelType::Float32 ? *v : v->toFloat();
        interrupt.token().check();
        writeImageJTiff(out, f, ch.unit);
        std::cerr << "wrote " << out << " (channel " << ch.name << ", frame " << t << ")\n";
        return kExitOk;
    }
    std::vector<std::size_t> channels;
    if (channel >= 0)
        channels.push_back(static_cast<std::size_t>(channel));
    std::vector<std::size_t> frames;
    if (frame >= 0) {
        if (static_cast<std::size_t>(frame) >= ds->frameCount())
            throw inputError(in, "has " + std::to_string(ds->frameCount()) + " frames; no frame " + std::to_string(frame));
        frames.push_back(static_cast<std::size_t>(frame));
    }
    ProgressBar bar("convert");
    writeResults(out, *ds, channels, frames, bar.callback(), interrupt.token());
    bar.finish();
    std::cerr << "wrote " << out << "\n";
    return kExitOk;
}

} // namespace rfx::cli
