#pragma once
// Renders on different threads take turns. VTK keeps process-wide state that any render may touch:
// the FreeType glyph cache behind every text label is one singleton and not thread-safe (a movie
// export on the job worker crashed in it while the GUI drew its colour-bar and scale-bar labels).
// Hold the lock around Render(), any read-back that may render again, and anything else that may
// measure text (bounds of text props, colour-bar layout).

namespace rfx::render {

// Holds the one process-wide render lock (recursive: a guarded call may call another) for its scope.
class RenderGuard {
public:
    RenderGuard();
    ~RenderGuard();
    RenderGuard(const RenderGuard&) = delete;
    RenderGuard& operator=(const RenderGuard&) = delete;
};

// Whether this thread holds the render lock (checks and diagnostics).
bool renderLockHeldByThisThread();

} // namespace rfx::render
