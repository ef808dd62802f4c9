// refractome-cli render: the GUI's figures, headless. Uses render/ scenes in an offscreen VTK
// window (X, Xvfb, or EGL without any X server); links VTK but never Qt.
#include <cmath>
#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "app/cli/Commands.h"
#include "core/io/AtomicFile.h"
#include "core/io/DatasetOpener.h"
#include "core/util/Errors.h"
#ifdef REFRACTOME_HAVE_RENDER
#include "render/DatasetLayers.h"
#include "render/FigureRenderer.h"
#endif

namespace rfx::cli {

CommandSpec renderSpec()
{
    CommandSpec s;
    s.name = "render";
    s.usage = "render IN -o FIG.png [--channels a,b] [--mode volume|mip|iso|slice] [--axis xy|xz|yz] [--frame T] "
              "[--size W,H]";
    s.summary = "Render a figure (3D view or an orthogonal slice) of a file's channels to PNG, headless.";
    s.details =
        "Draws the same figure as the desktop application: RI and the fluorescence channels blended into one\n"
        "volume (--mode volume, the default), a maximum-intensity projection (mip), iso-surfaces (iso) or the\n"
        "central orthogonal slice (slice, plane chosen by --axis), with scale bar, axes, legend and time.\n"
        "--channels names the layers to show (default: RI and all fluorescence channels; uncertainty maps\n"
        "and labels only when named). Vector fields named in --channels (displacement, force_density,\n"
        "nodal_force of a tfm result) are drawn as arrows coloured by magnitude, with a colour bar in\n"
        "their unit. Physical voxel spacing is honoured. With an X display (or Xvfb) VTK's\n"
        "offscreen X window draws; without one, a Mesa EGL context (software llvmpipe, same pixels), so it\n"
        "runs on batch nodes and in containers with no X server. REFRACTOME_RENDER_BACKEND=egl forces EGL.";
    s.options = {{"output", true, "output PNG", "FIG.png"},
                 {"channels", true, "comma-separated channel names", "a,b"},
                 {"mode", true, "volume, mip, iso or slice (default volume)", "MODE"},
                 {"axis", true, "slice plane for --mode slice: xy, xz or yz (default xy)", "AXIS"},
                 {"frame", true, "time frame index, 0-based (default 0)", "T"},
                 {"size", true, "image width and height in pixels (default 1200,900)", "W,H"},
                 {"no-annotations", false, "leave out scale bar, axes, legend and time"}};
    s.minPositional = s.maxPositional = 1;
    return s;
}

int runRender(const ParsedArgs& args)
{
    const std::string in = args.positional[0];
    if (!args.has("output"))
        throw InputError("render: missing -o FIG.png");
    const std::string out = args.get("output");
    std::string ext = std::filesystem::path(out).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (ext != ".png")
        throw InputError(out + ": render writes PNG; name the output *.png");
    const std::string mode = args.get("mode", "volume");
    if (mode != "volume" && mode != "mip" && mode != "iso" && mode != "slice")
        throw InputError("--mode: expected volume, mip, iso or slice, got '" + mode + "'");
    const std::string axis = args.get("axis", "xy");
    if (axis != "xy" && axis != "xz" && axis != "yz")
        throw InputError("--axis: expected xy, xz or yz, got '" + axis + "'");
    const long long frame = args.getInt("frame", 0);
    if (frame < 0)
        throw InputError("--frame: must be >= 0");
    const auto [width, height] = parseImageSize(args, 1200, 900);
    const std::vector<std::string> names = parseChannelNames(args);
    checkWritableDestination(out);
#ifdef REFRACTOME_HAVE_RENDER
    DatasetPtr ds = openDataset(in);
    const auto t = static_cast<std::size_t>(frame);
    std::vector<render::SceneLayer> layers = render::defaultSceneLayers(*ds, t, names);
    if (mode == "slice")
        for (const auto& l : layers)
            if (l.volume->components() != 1)
                throw inputError(in, "channel '" + l.name + "' is a vector field: --mode slice draws scalar channels only");
    render::FigureOptions opt;
    opt.width = width;
    opt.height = height;
    opt.slice = mode == "slice";
    opt.mode = mode == "mip" ? render::RenderMode::MaximumIntensity
             : mode == "iso" ? render::RenderMode::IsoSurface
                             : render::RenderMode::Composite;
    opt.axis = axis == "xz" ? render::SliceAxis::XZ : axis == "yz" ? render::SliceAxis::YZ : render::SliceAxis::XY;
    opt.annotations = !args.has("no-annotations");
    const ChannelInfo& first = ds->channel(static_cast<std::size_t>(ds->channelIndex(layers.front().name)));
    if (opt.annotations && first.frames() > 1) {
        std::ostringstream time;
        time << "t = " << std::setprecision(4) << first.times_s[t] << " s  (frame " << t + 1 << "/" << first.frames()
             << ")";
        opt.timeText = time.str();
    }
    render::renderFigure(layers, opt, out);
    std::cerr << "wrote " << out << " (" << width << "x" << height << ", " << layers.size() << " layer(s), " << mode
              << ")\n";
    return kExitOk;
#else
    (void)width;
    (void)height;
    throw std::runtime_error("this refractome-cli was built without rendering (REFRACTOME_WITH_GUI=OFF)");
#endif
}

} // namespace rfx::cli
