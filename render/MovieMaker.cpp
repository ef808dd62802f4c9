#include "render/MovieMaker.h"

#include <array>
#include <cmath>
#include <stdexcept>

#include <vtkRenderWindow.h>

#include "core/util/Errors.h"
#include "render/MovieWriter.h"
#include "render/OffscreenWindow.h"
#include "render/RenderLock.h"
#include "render/VolumeScene.h"

namespace rfx::render {

namespace {

// v rotated by angle (radians) about the unit axis k (Rodrigues).
std::array<double, 3> rotate(const std::array<double, 3>& v, const std::array<double, 3>& k, double angle)
{
    const double c = std::cos(angle), s = std::sin(angle);
    const double kv = k[0] * v[0] + k[1] * v[1] + k[2] * v[2];
    const std::array<double, 3> kxv{k[1] * v[2] - k[2] * v[1], k[2] * v[0] - k[0] * v[2], k[0] * v[1] - k[1] * v[0]};
    std::array<double, 3> r;
    for (int i = 0; i < 3; ++i)
        r[i] = v[i] * c + kxv[i] * s + k[i] * kv * (1 - c);
    return r;
}

void checkOptions(const FigureOptions& options)
{
    if (options.slice)
        throw InputError("movies show the 3D view; slices are not supported");
}

// The frame loop both movies share: cancel between frames, progress per frame, render the scene
// `prepare(i)` set up and encode it; the movie is committed only after the last frame.
template <class Prepare>
void encodeFrames(std::size_t count, Prepare prepare, vtkRenderWindow* window, MovieWriter& writer,
                  const ProgressFn& progress, const CancelToken& cancel)
{
    for (std::size_t i = 0; i < count; ++i) {
        cancel.check();
        if (progress)
            progress(double(i) / double(count), "frame " + std::to_string(i + 1) + "/" + std::to_string(count));
        // Outside the render lock: a time-lapse frame is read from disk here. The scene's camera
        // calls, which measure text labels, take the lock themselves.
        prepare(i);
        {
            const RenderGuard turn;
            window->Render();
            writer.addFrame(window);
        }
    }
    cancel.check();
    writer.finish();
    if (progress)
        progress(1.0, "done");
}

} // namespace

void renderTimeLapseMovie(std::size_t frameCount, const MovieFrameSource& frameAt, const FigureOptions& options,
                          double fps, const std::string& path, const ProgressFn& progress, const CancelToken& cancel)
{
    checkOptions(options);
    if (frameCount == 0)
        throw InputError("movie: no frames selected");
    MovieWriter writer(path, options.width, options.height, fps);
    auto window = makeOffscreenWindow(options.width, options.height);
    window->SetDesiredUpdateRate(0.0001);  // full-quality rays, as in a still figure
    VolumeScene scene(window);
    FigureOptions frameOptions = options;
    encodeFrames(
        frameCount,
        [&](std::size_t i) {
            MovieFrame frame = frameAt(i);
            frameOptions.timeText = options.annotations ? frame.timeText : std::string();
            setUpFigureScene(scene, figureLayers(frame.layers, false), frameOptions);
            if (i == 0 && !frameOptions.camera)
                frameOptions.camera = scene.camera();  // later frames keep the first frame's view
        },
        window, writer, progress, cancel);
}

void renderRotationMovie(const std::vector<SceneLayer>& layers, const FigureOptions& options, int steps,
                         double degrees, double fps, const std::string& path, const ProgressFn& progress,
                         const CancelToken& cancel)
{
    checkOptions(options);
    if (steps < 2)
        throw InputError("rotation movie: needs at least 2 frames");
    const std::vector<SceneLayer> visible = figureLayers(layers, false);
    MovieWriter writer(path, options.width, options.height, fps);
    auto window = makeOffscreenWindow(options.width, options.height);
    window->SetDesiredUpdateRate(0.0001);
    VolumeScene scene(window);
    setUpFigureScene(scene, visible, options);
    const CameraState start = scene.camera();
    std::array<double, 3> up = start.viewUp;
    const double norm = std::sqrt(up[0] * up[0] + up[1] * up[1] + up[2] * up[2]);
    for (auto& u : up)
        u /= norm > 0 ? norm : 1;
    std::array<double, 3> offset;
    for (int a = 0; a < 3; ++a)
        offset[a] = start.position[a] - start.focalPoint[a];
    // A full turn ends one step short of 360° so that the movie loops without a repeated frame.
    const bool fullTurn = std::abs(std::fmod(std::abs(degrees), 360.0)) < 1e-9;
    const double step = (degrees * M_PI / 180.0) / (fullTurn ? steps : steps - 1);
    encodeFrames(
        static_cast<std::size_t>(steps),
        [&](std::size_t i) {
            CameraState cam = start;
            const auto r = rotate(offset, up, step * static_cast<double>(i));
            for (int a = 0; a < 3; ++a)
                cam.position[a] = start.focalPoint[a] + r[a];
            scene.setCamera(cam);
        },
        window, writer, progress, cancel);
}

} // namespace rfx::render
