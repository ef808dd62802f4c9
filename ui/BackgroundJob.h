#pragma once
// Runs one long computation (prediction, and later segmentation, profiling, forces) on a worker
// thread. The work gets only immutable inputs it captured (VolumePtr snapshots), reports
// progress and checks a cancel token; it returns a commit step that runs on the GUI thread in
// one go, so a cancelled or failed job never leaves anything half-made.
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <functional>
#include <memory>

#include "core/util/Progress.h"

class QThread;

namespace rfx::ui {

class BackgroundJob : public QObject {
    Q_OBJECT
public:
    using Commit = std::function<void()>;
    using Work = std::function<Commit(const ProgressFn& progress, const CancelToken& cancel)>;

    explicit BackgroundJob(QObject* parent = nullptr);
    ~BackgroundJob() override;  // cancels and waits

    // False (and nothing started) while another job runs.
    bool start(const QString& title, Work work);
    void cancel();
    bool running() const { return running_; }
    QString title() const { return title_; }
    // Blocks until the worker thread has finished (commit still arrives through the event loop).
    void wait();

Q_SIGNALS:
    void started(const QString& title);
    // fraction in [0, 1]; eta in seconds (negative while unknown).
    void progress(double fraction, const QString& stage, double etaSeconds);
    void finished(const QString& title);  // after the commit ran
    void failed(const QString& title, const QString& message);
    void cancelled(const QString& title);

private:
    void done();

    QThread* thread_ = nullptr;
    CancelToken cancel_;
    QString title_;
    QElapsedTimer clock_;
    bool running_ = false;
    std::shared_ptr<int> alive_;  // lets late progress callbacks see the job is gone
};

} // namespace rfx::ui
