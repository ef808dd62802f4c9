#include "ui/BackgroundJob.h"

#include <QMetaObject>
#include <QPointer>
#include <QThread>
#include <atomic>
#include <chrono>

#include "core/util/Errors.h"

namespace rfx::ui {

BackgroundJob::BackgroundJob(QObject* parent) : QObject(parent), alive_(std::make_shared<int>(0)) {}

BackgroundJob::~BackgroundJob()
{
    cancel();
    wait();
    delete thread_;
}

bool BackgroundJob::start(const QString& title, Work work)
{
    if (running_)
        return false;
    running_ = true;
    title_ = title;
    cancel_ = CancelToken();
    clock_.start();
    const CancelToken token = cancel_;
    QPointer<BackgroundJob> self(this);
    // Progress arrives on the worker thread: forward at most every 50 ms to the GUI thread.
    auto lastSent = std::make_shared<std::atomic<long long>>(-1000);
    auto started = std::chrono::steady_clock::now();
    ProgressFn progress = [self, lastSent, started](double fraction, const std::string& stage) {
        const auto now = std::chrono::steady_clock::now();
        const long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - started).count();
        if (ms - lastSent->load() < 50 && fraction < 1.0)
            return;
        lastSent->store(ms);
        const double eta = fraction > 0.02 ? (ms / 1000.0) * (1.0 - fraction) / fraction : -1.0;
        const QString text = QString::fromStdString(stage);
        QMetaObject::invokeMethod(
            self.data(), [self, fraction, text, eta] {
                if (self)
                    Q_EMIT self->progress(fraction, text, eta);
            },
            Qt::QueuedConnection);
    };
    thread_ = QThread::create([self, work = std::move(work), progress, token] {
        Commit commit;
        QString error;
        bool wasCancelled = false;
        try {
            commit = work(progress, token);
            token.check();
        } catch (const CancelledError&) {
            wasCancelled = true;
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
        QMetaObject::invokeMethod(
            self.data(), [self, commit, error, wasCancelled] {
                if (!self)
                    return;
                const QString t = self->title_;
                self->done();
                if (wasCancelled || self->cancel_.cancelled())
                    Q_EMIT self->cancelled(t);
                else if (!error.isEmpty())
                    Q_EMIT self->failed(t, error);
                else {
                    if (commit)
                        commit();  // the one step that changes what the user sees
                    Q_EMIT self->finished(t);
                }
            },
            Qt::QueuedConnection);
    });
    thread_->setObjectName("refractome-job");
    thread_->start(QThread::LowPriority);
    Q_EMIT this->started(title);
    return true;
}

void BackgroundJob::cancel()
{
    if (running_)
        cancel_.cancel();
}

void BackgroundJob::wait()
{
    if (thread_)
        thread_->wait();
}

void BackgroundJob::done()
{
    running_ = false;
    if (thread_) {
        thread_->wait();
        thread_->deleteLater();
        thread_ = nullptr;
    }
}

} // namespace rfx::ui
