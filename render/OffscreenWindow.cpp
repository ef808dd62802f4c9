#include "render/OffscreenWindow.h"

#include <cstdlib>
#include <stdexcept>
#include <string>

#include <vtkPNGWriter.h>
#include <vtkRenderWindow.h>
#include <vtkWindowToImageFilter.h>

#include "core/io/AtomicFile.h"
#include "render/EglRenderWindow.h"

namespace rfx::render {

vtkSmartPointer<vtkRenderWindow> makeOffscreenWindow(int width, int height)
{
    const char* display = std::getenv("DISPLAY");
    const char* backend = std::getenv("REFRACTOME_RENDER_BACKEND");  // "egl" forces EGL under X too
    const bool useEgl = (backend && std::string(backend) == "egl") || !display || !*display;
    if (useEgl) {
        auto window = vtkSmartPointer<EglRenderWindow>::New();
        std::string error;
        if (!window->createContext(width, height, error))
            throw std::runtime_error("headless rendering without an X display needs Mesa's EGL: " + error +
                                     " (or run under xvfb-run)");
        window->SetMultiSamples(0);
        window->SetAlphaBitPlanes(0);
        return window;
    }
    auto window = vtkSmartPointer<vtkRenderWindow>::New();
    window->SetOffScreenRendering(1);
    window->SetMultiSamples(0);
    window->SetSize(width, height);
    window->SetAlphaBitPlanes(0);
    return window;
}

void writeWindowPng(vtkRenderWindow* window, const std::string& path)
{
    auto grab = vtkSmartPointer<vtkWindowToImageFilter>::New();
    grab->SetInput(window);
    grab->SetInputBufferTypeToRGB();
    grab->ReadFrontBufferOff();
    grab->Update();
    AtomicFile out(path);
    auto writer = vtkSmartPointer<vtkPNGWriter>::New();
    writer->SetFileName(out.tempPath().c_str());
    writer->SetInputConnection(grab->GetOutputPort());
    writer->Write();
    if (writer->GetErrorCode() != 0)
        throw std::runtime_error(path + ": cannot write PNG");
    out.commit();
}

} // namespace rfx::render
