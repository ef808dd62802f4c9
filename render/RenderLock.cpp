#include "render/RenderLock.h"

#include <vtkFreeTypeTools.h>

namespace rfx::render {

std::recursive_mutex& renderMutex()
{
    static std::recursive_mutex m;
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

} // namespace rfx::render
