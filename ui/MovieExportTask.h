#pragma once
// The GUI's movie export: render/MovieMaker run as a BackgroundJob. The setup is a snapshot
// taken on the GUI thread (dataset handle, layer styles, camera, time texts); the worker reads
// each time point's frames itself and writes the movie atomically, so a cancel leaves nothing.
#include <functional>
#include <string>
#include <vector>

#include "core/model/Dataset.h"
#include "render/FigureRenderer.h"
#include "ui/BackgroundJob.h"

namespace rfx::ui {

// One visible layer: its channel and style; the volume is read per time point by the worker.
struct MovieLayer {
    std::size_t channel = 0;
    render::SceneLayer layer;  // name, role, unit, style; volume empty
    int fadeChannel = -1;      // channel of the uncertainty fading it, or -1
    double fadeHigh = 0;
};

struct MovieExportSetup {
    DatasetPtr dataset;
    std::vector<MovieLayer> layers;     // time-lapse: read per time point
    std::vector<double> times_s;        // the time slider's time points
    std::vector<std::string> timeTexts; // one per time point (empty strings when none shown)
    bool rotation = false;
    std::vector<render::SceneLayer> rotationLayers;  // rotation: the layers of the shown time point
    int steps = 72;
    double degrees = 360;
    render::FigureOptions figure;  // mode, camera, size, annotations
    double fps = 10;
    std::string path;
};

// The frame of channel c at time point t: the same index when the channel spans all time points,
// otherwise the frame whose time matches; -1 when it has none.
long movieChannelFrame(const ChannelInfo& channel, const std::vector<double>& times_s, std::size_t t);

BackgroundJob::Work makeMovieExportWork(MovieExportSetup setup, std::function<void()> commit);

} // namespace rfx::ui
