#pragma once
// Works ahead of the view on a background thread, so changing frames finds everything ready:
// first the shown frame's full-resolution 3D blend when the view only has a preview of it (or
// nothing yet), then the neighbouring frames t+1, t+2 and t-1 read into the dataset's frame cache,
// then frame t+1 blended into the view's blend cache. Requests replace the pending ones: only the
// latest view is worked for.
#include <QObject>
#include <QThreadPool>
#include <atomic>
#include <memory>
#include <vector>

#include "render/SceneLayer.h"
#include "ui/SceneRecipe.h"

namespace rfx::render {
class BlendCache;
}

namespace rfx::ui {

class FramePrefetcher : public QObject {
    Q_OBJECT
public:
    explicit FramePrefetcher(QObject* parent = nullptr);
    ~FramePrefetcher() override;

    // Where blends go; without one, frames are read but nothing is blended ahead.
    void setBlendCache(std::shared_ptr<render::BlendCache> cache) { cache_ = std::move(cache); }
    // `frame` is the shown time point; `shownLayers`, when not empty, are its layers exactly as
    // shown, still to be blended at full resolution (shownBlendReady follows).
    // `blendAhead`: also blend frame t+1 from the recipe (off when the view adds layers the recipe
    // does not have, such as a cell highlight: that blend would never be used).
    void request(const SceneRecipe& recipe, std::size_t frame, std::vector<render::SceneLayer> shownLayers = {},
                 bool blendAhead = true);
    // The number of the latest request (shownBlendReady carries the one it answers).
    int latestRequest() const { return generation_->load(); }
    // Waits for the running task (tests, shutdown).
    void wait();
    int completed() const { return completed_.load(); }

Q_SIGNALS:
    // The shown frame's full-resolution blend is in the cache (delivered on the GUI thread), for request number `request`.
    void shownBlendReady(int request);

private:
    QThreadPool pool_;
    std::shared_ptr<std::atomic<int>> generation_;
    std::atomic<int> completed_{0};
    std::shared_ptr<render::BlendCache> cache_;
};

} // namespace rfx::ui
