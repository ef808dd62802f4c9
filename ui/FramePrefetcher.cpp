#include "ui/FramePrefetcher.h"

#include <QRunnable>

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

void FramePrefetcher::request(const DatasetPtr& dataset, const std::vector<std::size_t>& channels, std::size_t frame)
{
    if (!dataset || dataset->frameCount() < 2)
        return;
    const int gen = generation_->fetch_add(1) + 1;
    pool_.clear();  // drop requests that have not started
    auto generation = generation_;
    auto* counter = &completed_;
    const std::size_t n = dataset->frameCount();
    std::vector<std::size_t> frames = {(frame + 1) % n, (frame + 2) % n, (frame + n - 1) % n};
    pool_.start(QRunnable::create([dataset, channels, frames, gen, generation, counter] {
        for (std::size_t t : frames)
            for (std::size_t c : channels) {
                if (generation->load() != gen)
                    return;  // superseded by a newer request
                if (t >= dataset->channel(c).frames())
                    continue;
                try {
                    dataset->prefetch(c, t);
                } catch (const std::exception&) {
                    // The view reports unreadable frames when it reaches them.
                }
            }
        counter->fetch_add(1);
    }));
}

void FramePrefetcher::wait() { pool_.waitForDone(); }

} // namespace rfx::ui
