#include "ui/MovieExportTask.h"

#include <cmath>

#include "render/MovieMaker.h"

namespace rfx::ui {

long movieChannelFrame(const ChannelInfo& channel, const std::vector<double>& times_s, std::size_t t)
{
    if (channel.frames() == 0)
        return -1;
    if (channel.frames() == times_s.size())
        return static_cast<long>(std::min(t, channel.frames() - 1));
    if (t < times_s.size())
        for (std::size_t f = 0; f < channel.frames(); ++f)
            if (std::abs(channel.times_s[f] - times_s[t]) < 1e-6)
                return static_cast<long>(f);
    return -1;
}

BackgroundJob::Work makeMovieExportWork(MovieExportSetup setup, std::function<void()> commit)
{
    return [setup = std::move(setup), commit = std::move(commit)](const ProgressFn& progress,
                                                                    const CancelToken& cancel) -> BackgroundJob::Commit {
        if (setup.rotation) {
            render::renderRotationMovie(setup.rotationLayers, setup.figure, setup.steps, setup.degrees, setup.fps,
                                        setup.path, progress, cancel);
            return commit;
        }
        const Dataset& ds = *setup.dataset;
        auto frameAt = [&](std::size_t t) {
            render::MovieFrame frame;
            for (const auto& m : setup.layers) {
                const long f = movieChannelFrame(ds.channel(m.channel), setup.times_s, t);
                if (f < 0)
                    continue;  // a shorter channel (one predicted frame) shows only where it has data
                render::SceneLayer l = m.layer;
                l.volume = ds.frame(m.channel, static_cast<std::size_t>(f));
                if (m.fadeChannel >= 0) {
                    const long g = movieChannelFrame(ds.channel(static_cast<std::size_t>(m.fadeChannel)), setup.times_s, t);
                    if (g >= 0)
                        l.fade = ds.frame(static_cast<std::size_t>(m.fadeChannel), static_cast<std::size_t>(g));
                    l.fadeHigh = m.fadeHigh;
                }
                frame.layers.push_back(std::move(l));
            }
            frame.timeText = t < setup.timeTexts.size() ? setup.timeTexts[t] : std::string();
            return frame;
        };
        render::renderTimeLapseMovie(setup.times_s.size(), frameAt, setup.figure, setup.fps, setup.path, progress, cancel);
        return commit;
    };
}

} // namespace rfx::ui
