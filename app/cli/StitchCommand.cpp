#include <algorithm>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/Commands.h"
#include "core/io/DatasetOpener.h"
#include "core/io/ResultsWriter.h"
#include "core/stitching/TileStitcher.h"
#include "core/util/Errors.h"

namespace rfx::cli {

namespace {
ResultsTable tileTable(const StitchResult& r, const std::vector<std::string>& paths)
{
    ResultsTable t;
    t.columns = {"nominal_z", "nominal_y", "nominal_x", "z", "y", "x", "offset_z", "offset_y", "offset_x"};
    t.units = std::vector<std::string>(t.columns.size(), "voxel");
    t.values.assign(t.columns.size(), {});
    for (std::size_t i = 0; i < paths.size(); ++i)
        for (int d = 0; d < 3; ++d) {
            t.values[d].push_back(r.nominal[i][d]);
            t.values[3 + d].push_back(r.positions[i][d]);
            t.values[6 + d].push_back(double(r.offsets[i][d]));
        }
    t.rowLabels = paths;
    return t;
}

ResultsTable pairTable(const StitchResult& r)
{
    ResultsTable t;
    t.columns = {"tile_a", "tile_b", "nominal_dz", "nominal_dy", "nominal_dx", "dz", "dy", "dx", "correlation", "used", "residual"};
    t.units = {"", "", "voxel", "voxel", "voxel", "voxel", "voxel", "voxel", "", "", "voxel"};
    t.values.assign(t.columns.size(), {});
    for (const StitchPair& p : r.pairs) {
        t.values[0].push_back(double(p.a));
        t.values[1].push_back(double(p.b));
        for (int d = 0; d < 3; ++d) {
            t.values[2 + d].push_back(p.nominal[d]);
            t.values[5 + d].push_back(p.measured[d]);
        }
        t.values[8].push_back(p.correlation);
        t.values[9].push_back(p.used ? 1.0 : 0.0);
        t.values[10].push_back(p.residual);
    }
    return t;
}
} // namespace

CommandSpec stitchSpec()
{
    CommandSpec s;
    s.name = "stitch";
    s.usage = "stitch TILES... -o OUT.h5 [--grid COLSxROWS] [--overlap F] [--channel NAME] [--all-channels] [--frame T]";
    s.summary = "Register overlapping 3D tiles by phase correlation and blend them into one field.";
    s.details = "Approximate tile positions come from the tiles' origins (origin_um), or, when all origins are\n"
                "equal, from --grid (tiles row-major in the order given) and --overlap (fraction of a tile shared\n"
                "with its neighbour, default 0.1). Each pair of nominally overlapping tiles is registered by\n"
                "phase correlation; positions are solved by least squares with the first tile fixed; overlaps\n"
                "are blended with raised-cosine feathering. The registered channel (default: RI, else the first)\n"
                "is written; --all-channels adds every other scalar channel all tiles share (labels are not\n"
                "averaged). Tables stitch_tiles and stitch_pairs hold positions, offsets and residuals (voxels).";
    s.options = {{"output", true, "output results file (.h5)", "OUT.h5"},
                 {"grid", true, "tile layout when the files carry no positions", "COLSxROWS"},
                 {"overlap", true, "overlap fraction for --grid (default 0.1)", "F"},
                 {"channel", true, "channel to register and stitch", "NAME"},
                 {"all-channels", false, "also stitch the other channels all tiles share", ""},
                 {"frame", true, "time frame index (0-based, default 0)", "T"}};
    s.minPositional = 1;
    s.maxPositional = 4096;
    return s;
}

int runStitch(const ParsedArgs& args)
{
    const std::string out = requireResultsOutput(args, "stitch");
    if (args.positional.size() < 2)
        throw InputError("stitch: needs at least two tiles");
    for (const auto& tile : args.positional)
        if (std::filesystem::absolute(tile) == std::filesystem::absolute(out))
            throw InputError(out + ": output would overwrite an input tile");

    StitchInputs in;
    in.channel = args.get("channel");
    in.allChannels = args.has("all-channels");
    const long long frame = args.getInt("frame", 0);
    if (frame < 0)
        throw InputError("--frame: must be >= 0");
    in.frame = static_cast<std::size_t>(frame);
    if (args.has("grid"))
        in.layout = parseTileGrid(args.get("grid"), args.getDouble("overlap", 0.1), "--grid");
    else if (args.has("overlap"))
        throw InputError("--overlap: only meaningful with --grid");
    for (const auto& tile : args.positional)
        in.tiles.push_back(openDataset(tile));

    InterruptGuard interrupt;
    ProgressBar bar("stitch");
    const StitchResult r = stitchTiles(in, bar.callback(), interrupt.token());

    ResultsWriter w(out);
    std::string sources;
    for (const auto& tile : args.positional)
        sources += (sources.empty() ? "" : "\n") + tile;
    w.setSource(sources);
    w.setMediumRI(r.mediumRI);
    for (std::size_t c = 0; c < r.channels.size(); ++c) {
        const bool labels = r.channels[c].role == ChannelRole::Labels;
        w.addChannel(r.channels[c], labels ? VoxelType::Int32 : VoxelType::Float32);
        w.writeFrame(r.channels[c].name, 0, r.volumes[c]);
    }
    w.writeTable("stitch_tiles", tileTable(r, args.positional));
    w.writeTable("stitch_pairs", pairTable(r));
    nlohmann::ordered_json params;
    params["frame"] = in.frame;
    params["grid"] = args.get("grid");
    params["overlap"] = in.layout ? in.layout->overlap : 0.0;
    params["min_correlation"] = in.minCorrelation;
    params["min_overlap_voxels"] = in.minOverlap;
    w.writeText("stitch_parameters", params.dump(2));
    interrupt.token().check();
    w.commit();
    bar.finish();

    std::size_t used = 0;
    double worst = 0;
    for (const StitchPair& p : r.pairs) {
        used += p.used;
        if (p.used)
            worst = std::max(worst, p.residual);
    }
    const auto& shape = r.channels.front().grid.shape;
    std::cerr << "wrote " << out << " (" << r.channels.size() << " channel(s), " << shape[0] << "x" << shape[1] << "x"
              << shape[2] << "; " << used << "/" << r.pairs.size() << " pairs registered, largest residual " << worst
              << " voxel)\n";
    for (const auto& name : r.skippedChannels)
        std::cerr << "note: channel '" << name << "' not stitched (missing or differently shaped in some tile)\n";
    return kExitOk;
}

} // namespace rfx::cli
