#include "render/RenderLock.h"

#include <vtkFreeTypeTools.h>

#include <mutex>

namespace rfx::render {

namespace {

std::recursive_mutex& renderMutex()
{
    static std::recursive_mutex m;
    // Before the first render: FreeType's face and size caches, enlarged so that the views' and the
    // exports' fonts and sizes do not evict each other. Headroom only: the movie-export crash came
    // from text measured outside the lock (docs/architecture.md). Must precede any use of the cache
    // manager.
    static const bool roomy = [] {
        vtkFreeTypeTools* ft = vtkFreeTypeTools::GetInstance();
        ft->SetMaximumNumberOfFaces(1000);
        ft->SetMaximumNumberOfSizes(1000);
        ft->SetMaximumNumberOfBytes(256ul << 20);
        return true;
    }();
    (void)roomy;
    return m;
}

thread_local int heldDepth = 0;

} // namespace

bool renderLockHeldByThisThread() { return heldDepth > 0; }

RenderGuard::RenderGuard()
{
    renderMutex().lock();
    ++heldDepth;
}

RenderGuard::~RenderGuard()
{
    --heldDepth;
    renderMutex().unlock();
}

} // namespace rfx::render

// C entry for tests/gui/FreeTypeGuard.cpp, which checks from outside (LD_PRELOAD) that VTK touches
// FreeType only under the lock.
extern "C" int rfx_render_lock_held() { return rfx::render::renderLockHeldByThisThread() ? 1 : 0; }
