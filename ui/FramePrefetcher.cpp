#include "ui/FramePrefetcher.h"

#include <QMetaObject>
#include <QPointer>
#include <QRunnable>

#include <vtkImageData.h>

#include "render/BlendCache.h"

namespace rfx::ui {

FramePrefetcher::FramePrefetcher(QObject* parent)
    : QObject(parent), generation_(std::make_shared<std::atomic<int>>(0))
{
    pool_.setMaxThreadCount(1);  // one reader: HDF5 is serialised anyway
}

FramePrefetcher::~FramePrefetcher()
{
    generation_->fetch_add(1);
    pool_.clear();
    pool_.waitForDone();
}

void FramePrefetcher::request(const SceneRecipe& recipe, std::size_t frame, std::vector<render::SceneLayer> shownLayers,
                              bool blendAhead)
{
    if (!recipe.dataset)
        return;
    const int gen = generation_->fetch_add(1) + 1;
    pool_.clear();  // drop requests that have not started
    auto generation = generation_;
    auto* counter = &completed_;
    auto cache = cache_;
    QPointer<FramePrefetcher> self(this);
    const std::size_t n = recipe.times_s.size();
    std::vector<std::size_t> frames;
    if (n > 1)
        frames = {(frame + 1) % n, (frame + 2) % n, (frame + n - 1) % n};
    pool_.start(QRunnable::create([recipe, shown = std::move(shownLayers), frames, gen, generation, counter, cache,
                                   self, blendAhead] {
        auto superseded = [&] { return generation->load() != gen; };
        // Nothing may escape a pool thread (std::terminate): out of memory or an unreadable frame
        // only means that nothing was prepared; the view blends or reports it when it gets there.
        try {
            if (cache && !shown.empty() && cache->blendForView(shown)) {  // null: nothing to blend, no signal
                if (superseded())
                    return;
                QMetaObject::invokeMethod(
                    self.data(), [self, gen] { if (self) Q_EMIT self->shownBlendReady(gen); }, Qt::QueuedConnection);
            }
            const std::vector<std::size_t> channels = recipe.channels();
            for (std::size_t t : frames)
                for (std::size_t c : channels) {
                    if (superseded())
                        return;
                    const auto f = channelFrameAt(recipe.dataset->channel(c), recipe.times_s, t);
                    if (f)
                        recipe.dataset->prefetch(c, *f);
                }
            if (cache && blendAhead && !frames.empty() && !superseded())
                cache->blendForView(recipe.at(frames.front()));  // the next frame, as playback goes
        } catch (const std::exception&) {
        }
        counter->fetch_add(1);
    }));
}

void FramePrefetcher::wait() { pool_.waitForDone(); }

} // namespace rfx::ui
