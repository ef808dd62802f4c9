#include <iostream>
#include <limits>

#include <nlohmann/json.hpp>

#include "app/cli/Commands.h"
#include "core/io/DatasetOpener.h"

namespace rfx::cli {

CommandSpec infoSpec()
{
    CommandSpec s;
    s.name = "info";
    s.usage = "info FILE [--channel NAME]";
    s.summary = "Print a file's shape, voxel spacing, frames, times, channels and value range as JSON.";
    s.details = "FILE may be a .TCF, a TIFF stack or a folder of one-TIFF-per-slice, a results .h5, or an\n"
                "NRRD/MetaImage/NIfTI volume. min and max are taken over all frames of the statistics\n"
                "channel: the RI channel when there is one, else the first (or --channel).";
    s.options = {{"channel", true, "channel to compute min/max over", "NAME"}};
    s.minPositional = s.maxPositional = 1;
    return s;
}

int runInfo(const ParsedArgs& args)
{
    const std::string path = args.positional[0];
    DatasetPtr ds = openDataset(path);
    int statsChannel = ds->firstChannelWithRole(ChannelRole::RefractiveIndex);
    if (args.has("channel")) {
        statsChannel = ds->channelIndex(args.get("channel"));
        if (statsChannel < 0)
            throw inputError(path, "no channel named '" + args.get("channel") + "'");
    }
    if (statsChannel < 0)
        statsChannel = 0;
    const ChannelInfo& primary = ds->channel(statsChannel);

    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (std::size_t t = 0; t < primary.frames(); ++t) {
        auto [a, b] = ds->frame(statsChannel, t)->range();
        lo = std::min(lo, a);
        hi = std::max(hi, b);
    }
    nlohmann::ordered_json j;
    j["path"] = path;
    j["format"] = ds->info().format;
    j["shape"] = primary.grid.shape;
    j["spacing_um"] = primary.grid.spacing_um;
    j["origin_um"] = primary.grid.origin_um;
    j["frames"] = primary.frames();
    j["times_s"] = primary.times_s;
    nlohmann::ordered_json names = nlohmann::ordered_json::array();
    nlohmann::ordered_json details = nlohmann::ordered_json::array();
    for (std::size_t c = 0; c < ds->channelCount(); ++c) {
        const auto& ch = ds->channel(c);
        names.push_back(ch.name);
        nlohmann::ordered_json d;
        d["name"] = ch.name;
        d["role"] = channelRoleName(ch.role);
        d["unit"] = ch.unit;
        d["components"] = ch.components;
        d["shape"] = ch.grid.shape;
        d["spacing_um"] = ch.grid.spacing_um;
        d["frames"] = ch.frames();
        details.push_back(d);
    }
    j["channels"] = names;
    j["statistics_channel"] = primary.name;
    j["min"] = lo;
    j["max"] = hi;
    j["medium_ri"] = ds->info().mediumRI;
    j["channel_details"] = details;
    j["metadata"] = ds->info().metadata;
    std::cout << j.dump(2) << "\n";
    return kExitOk;
}

} // namespace rfx::cli
