#pragma once
// Renders on different threads take turns. VTK keeps process-wide state that any render may touch:
// the FreeType glyph cache behind every text label is one singleton and not thread-safe (a movie
// export on the job worker crashed in it while the GUI drew its colour-bar and scale-bar labels).
// Hold the lock around Render() and any read-back that may render again.
#include <mutex>

namespace rfx::render {

std::recursive_mutex& renderMutex();

using RenderGuard = std::lock_guard<std::recursive_mutex>;

} // namespace rfx::render
