#pragma once
// Progress reporting and cooperative cancellation shared by every long-running algorithm.
// Algorithms take a ProgressFn and a CancelToken; the CLI draws a bar, the GUI a progress widget.
#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "core/util/Errors.h"

namespace rfx {

// fraction in [0,1]; stage is a short human-readable label ("patch 12/48").
using ProgressFn = std::function<void(double fraction, const std::string& stage)>;

// Shared flag; copies refer to the same state so a GUI button or a SIGINT handler can trip it.
class CancelToken {
public:
    CancelToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
    void cancel() const { flag_->store(true); }
    bool cancelled() const { return flag_->load(); }
    // Throws CancelledError when cancelled; call at safe points (between patches, slices).
    void check() const
    {
        if (cancelled())
            throw CancelledError();
    }
    // Direct access for async-signal-safe use (SIGINT handlers).
    std::atomic<bool>* raw() const { return flag_.get(); }

private:
    std::shared_ptr<std::atomic<bool>> flag_;
};

// Maps a sub-task's [0,1] progress into [begin,end] of a parent's progress.
inline ProgressFn subProgress(const ProgressFn& parent, double begin, double end)
{
    if (!parent)
        return {};
    return [parent, begin, end](double f, const std::string& stage) { parent(begin + (end - begin) * f, stage); };
}

} // namespace rfx
