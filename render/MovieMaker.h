#pragma once
// Movies of the 3D view, drawn like figures (FigureRenderer) in one offscreen window and encoded
// by MovieWriter: a time-lapse (one frame per time point) or a rotation of one time point about
// the screen's vertical axis. The CLI's `movie` command and the GUI's movie export share it.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/util/Progress.h"
#include "render/FigureRenderer.h"

namespace rfx::render {

// The layers of time-lapse frame i (0-based within the movie) and its time text; called on the
// rendering thread, so it may read the frame from disk.
struct MovieFrame {
    std::vector<SceneLayer> layers;
    std::string timeText;
};
using MovieFrameSource = std::function<MovieFrame(std::size_t index)>;

// options.slice must be false; options.camera empty: the standard view of the first frame, kept
// for all frames so the view does not jump. Throws CancelledError (nothing written) when cancelled.
void renderTimeLapseMovie(std::size_t frameCount, const MovieFrameSource& frameAt, const FigureOptions& options,
                          double fps, const std::string& path, const ProgressFn& progress = {},
                          const CancelToken& cancel = {});

// `steps` frames turning the camera by `degrees` in all about the view-up axis through the focal point.
void renderRotationMovie(const std::vector<SceneLayer>& layers, const FigureOptions& options, int steps,
                         double degrees, double fps, const std::string& path, const ProgressFn& progress = {},
                         const CancelToken& cancel = {});

} // namespace rfx::render
