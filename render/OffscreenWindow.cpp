#include "render/OffscreenWindow.h"

#include <cstdlib>
#include <stdexcept>

#include <vtkPNGWriter.h>
#include <vtkRenderWindow.h>
#include <vtkWindowToImageFilter.h>

#include "core/io/AtomicFile.h"

namespace rfx::render {

vtkSmartPointer<vtkRenderWindow> makeOffscreenWindow(int width, int height)
{
    const char* display = std::getenv("DISPLAY");
    if (!display || !*display)
        throw std::runtime_error("rendering needs an X display; none is set (run under xvfb-run, "
                                 "e.g. 'xvfb-run -a refractome-cli render ...')");
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
