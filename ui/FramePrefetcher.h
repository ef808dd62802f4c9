#pragma once
// Decodes the neighbouring frames of the visible channels on a background thread, so stepping
// or playing through a time-lapse finds them in the dataset's frame cache. Requests replace the
// pending ones: only the latest neighbourhood is loaded.
#include <QObject>
#include <QThreadPool>
#include <atomic>
#include <memory>
#include <vector>

#include "core/model/Dataset.h"

namespace rfx::ui {

class FramePrefetcher : public QObject {
    Q_OBJECT
public:
    explicit FramePrefetcher(QObject* parent = nullptr);
    ~FramePrefetcher() override;

    // Prefetches frames t+1, t+2 and t-1 (wrapping, as playback loops) of `channels`.
    void request(const DatasetPtr& dataset, const std::vector<std::size_t>& channels, std::size_t frame);
    // Waits for the running task (tests, shutdown).
    void wait();
    int completed() const { return completed_.load(); }

private:
    QThreadPool pool_;
    std::shared_ptr<std::atomic<int>> generation_;
    std::atomic<int> completed_{0};
};

} // namespace rfx::ui
