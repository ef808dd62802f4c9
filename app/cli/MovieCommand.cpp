// refractome-cli movie: a time-lapse or a rotation of the 3D view as MP4 (through the ffmpeg
// program) or Ogg Theora, drawn like `render` figures in an offscreen VTK window; never Qt.
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>

#include "app/cli/Commands.h"
#include "core/io/AtomicFile.h"
#include "core/io/DatasetOpener.h"
#include "core/util/Errors.h"
#ifdef REFRACTOME_HAVE_RENDER
#include "render/DatasetLayers.h"
#include "render/MovieMaker.h"
#include "render/MovieWriter.h"
#endif

namespace rfx::cli {

CommandSpec movieSpec()
{
    CommandSpec s;
    s.name = "movie";
    s.usage = "movie IN -o OUT.mp4|OUT.ogv [--channels a,b] [--mode volume|mip|iso] [--frames A:B] "
              "[--rotate [--degrees D] [--steps N]] [--fps F] [--size W,H]";
    s.summary = "Render a movie of the 3D view: the time-lapse, or a rotation of one time point.";
    s.details =
        "Draws the same 3D view as `render` (layers, mode, scale bar, axes, legend, time) for every time\n"
        "point in --frames (default: all), with the camera of the first frame kept throughout. With\n"
        "--rotate, one time point (--frames T, default 0) is shown turning by --degrees about the\n"
        "screen's vertical axis in --steps frames. OUT.mp4 is H.264 written by the ffmpeg program (must be\n"
        "on PATH); OUT.ogv is Ogg Theora written through libtheora, with no other program. Width and height\n"
        "must be even. The movie appears only when complete: Ctrl-C or an error leaves nothing.";
    s.options = {{"output", true, "output movie, *.mp4 or *.ogv", "OUT"},
                 {"channels", true, "comma-separated channel names (default: as `render`)", "a,b"},
                 {"mode", true, "volume, mip or iso (default volume)", "MODE"},
                 {"frames", true, "time frames A:B (half-open, 0-based; default all), or T with --rotate", "A:B"},
                 {"rotate", false, "turn the camera around one time point instead of playing the time-lapse"},
                 {"degrees", true, "rotation angle for --rotate (default 360)", "D"},
                 {"steps", true, "frames of the rotation (default 72)", "N"},
                 {"fps", true, "frames per second (default 5 for a time-lapse, 24 for a rotation)", "F"},
                 {"size", true, "width and height in pixels, even (default 1200,900)", "W,H"},
                 {"no-annotations", false, "leave out scale bar, axes, legend and time"},
                 {"quiet", false, "no progress bar"}};
    s.minPositional = s.maxPositional = 1;
    return s;
}

int runMovie(const ParsedArgs& args)
{
    const std::string in = args.positional[0];
    if (!args.has("output"))
        throw InputError("movie: missing -o OUT.mp4 or OUT.ogv");
    const std::string out = args.get("output");
    const std::string mode = args.get("mode", "volume");
    if (mode != "volume" && mode != "mip" && mode != "iso")
        throw InputError("--mode: expected volume, mip or iso, got '" + mode + "'");
    const bool rotate = args.has("rotate");
    if (!rotate && (args.has("degrees") || args.has("steps")))
        throw InputError("--degrees and --steps apply to --rotate only");
    const double degrees = args.getDouble("degrees", 360);
    if (!std::isfinite(degrees) || degrees == 0 || std::abs(degrees) > 3600)
        throw InputError("--degrees: expected a non-zero angle of at most 3600");
    const long long steps = args.getInt("steps", 72);
    if (steps < 2 || steps > 3600)
        throw InputError("--steps: expected 2 to 3600 frames");
    const double fps = args.getDouble("fps", rotate ? 24 : 5);
    if (!(fps >= 1 && fps <= 120))
        throw InputError("--fps: expected 1 to 120 frames per second");
    const auto [width, height] = parseImageSize(args, 1200, 900);
    const std::vector<std::string> names = parseChannelNames(args);
#ifdef REFRACTOME_HAVE_RENDER
    render::MovieWriter::checkSupported(out, width, height, fps);
    checkWritableDestination(out);
    DatasetPtr ds = openDataset(in);
    // Frames shared by every shown channel: a movie never shows a channel missing its frame.
    const std::vector<render::SceneLayer> firstLayers = render::defaultSceneLayers(*ds, 0, names);
    std::size_t count = std::numeric_limits<std::size_t>::max();
    for (const auto& l : firstLayers)
        count = std::min(count, ds->channel(static_cast<std::size_t>(ds->channelIndex(l.name))).frames());
    const std::vector<std::size_t> frames = parseFrameRange(args.get("frames", ":"), count);
    if (rotate && args.has("frames") && frames.size() != 1)
        throw InputError("--frames: --rotate shows one time point; give --frames T");
    const ChannelInfo& first = ds->channel(static_cast<std::size_t>(ds->channelIndex(firstLayers.front().name)));
    render::FigureOptions opt;
    opt.width = width;
    opt.height = height;
    opt.mode = mode == "mip" ? render::RenderMode::MaximumIntensity
             : mode == "iso" ? render::RenderMode::IsoSurface
                             : render::RenderMode::Composite;
    opt.annotations = !args.has("no-annotations");
    auto timeText = [&](std::size_t t) {
        if (first.frames() <= 1)
            return std::string();
        std::ostringstream time;
        time << "t = " << std::setprecision(4) << first.times_s[t] << " s  (frame " << t + 1 << "/" << first.frames()
             << ")";
        return time.str();
    };
    InterruptGuard interrupt;
    ProgressBar bar("movie", args.has("quiet"));
    int written = 0;
    if (rotate) {
        const std::size_t t = frames.front();
        opt.timeText = opt.annotations ? timeText(t) : std::string();
        render::renderRotationMovie(render::defaultSceneLayers(*ds, t, names), opt, static_cast<int>(steps), degrees,
                                    fps, out, bar.callback(), interrupt.token());
        written = static_cast<int>(steps);
    } else {
        auto frameAt = [&](std::size_t i) {
            const std::size_t t = frames[i];
            return render::MovieFrame{render::defaultSceneLayers(*ds, t, names), timeText(t)};
        };
        render::renderTimeLapseMovie(frames.size(), frameAt, opt, fps, out, bar.callback(), interrupt.token());
        written = static_cast<int>(frames.size());
    }
    bar.finish();
    std::cerr << "wrote " << out << " (" << written << " frames, " << width << "x" << height << ", " << fps
              << " fps, " << firstLayers.size() << " layer(s), " << mode << ")\n";
    return kExitOk;
#else
    (void)width;
    (void)height;
    throw std::runtime_error("this refractome-cli was built without rendering (REFRACTOME_WITH_GUI=OFF)");
#endif
}

} // namespace rfx::cli
