#pragma once
// The GUI's movie export: render/MovieMaker run as a BackgroundJob. The setup is a snapshot
// taken on the GUI thread (dataset handle, layer styles, camera, time texts); the worker reads
// each time point's frames itself and writes the movie atomically, so a cancel leaves nothing.
#include <functional>
#include <string>
#include <vector>

#include "render/FigureRenderer.h"
#include "ui/BackgroundJob.h"
#include "ui/SceneRecipe.h"

namespace rfx::ui {

struct MovieExportSetup {
    SceneRecipe scene;                  // time-lapse: each time point's frames read by the worker
    std::vector<std::string> timeTexts; // one per time point (empty strings when none shown)
    bool rotation = false;
    std::vector<render::SceneLayer> rotationLayers;  // rotation: the layers of the shown time point
    int steps = 72;
    double degrees = 360;
    render::FigureOptions figure;  // mode, camera, size, annotations
    double fps = 10;
    std::string path;
};

BackgroundJob::Work makeMovieExportWork(MovieExportSetup setup, std::function<void()> commit);

} // namespace rfx::ui
