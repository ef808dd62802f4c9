#pragma once
// Renders on different threads take turns. VTK keeps process-wide state that any render may touch:
// the FreeType glyph cache behind every text label is one singleton and not thread-safe (a movie
// export on the job worker crashed in it while the GUI drew its colour-bar and scale-bar labels).
// Hold the lock around Render(), any read-back that may render again, and anything else that may
// measure text (bounds of text props, colour-bar layout).
#include <mutex>

namespace rfx::render {

std::recursive_mutex& renderMutex();

// Whether this thread holds the render lock (checks and diagnostics).
bool renderLockHeldByThisThread();

class RenderGuard {
public:
    explicit RenderGuard(std::recursive_mutex& m);
    ~RenderGuard();
    RenderGuard(const RenderGuard&) = delete;
    RenderGuard& operator=(const RenderGuard&) = delete;

private:
    std::recursive_mutex& m_;
};

} // namespace rfx::render
