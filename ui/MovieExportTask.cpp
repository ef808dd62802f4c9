#include "ui/MovieExportTask.h"

#include "render/MovieMaker.h"

namespace rfx::ui {

BackgroundJob::Work makeMovieExportWork(MovieExportSetup setup, std::function<void()> commit)
{
    return [setup = std::move(setup), commit = std::move(commit)](const ProgressFn& progress,
                                                                    const CancelToken& cancel) -> BackgroundJob::Commit {
        if (setup.rotation) {
            render::renderRotationMovie(setup.rotationLayers, setup.figure, setup.steps, setup.degrees, setup.fps,
                                        setup.path, progress, cancel);
            return commit;
        }
        auto frameAt = [&](std::size_t t) {
            render::MovieFrame frame;
            // A shorter channel (one predicted frame) shows only where it has data.
            frame.layers = setup.scene.at(t);
            frame.timeText = t < setup.timeTexts.size() ? setup.timeTexts[t] : std::string();
            return frame;
        };
        render::renderTimeLapseMovie(setup.scene.times_s.size(), frameAt, setup.figure, setup.fps, setup.path, progress, cancel);
        return commit;
    };
}

} // namespace rfx::ui
