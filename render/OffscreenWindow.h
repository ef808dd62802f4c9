#pragma once
// A render window that draws into memory, for the CLI and for figure export. With an X display
// (a desktop or Xvfb) VTK's own offscreen X window is used; without one (or with
// REFRACTOME_RENDER_BACKEND=egl) a Mesa EGL pbuffer context (EglRenderWindow), because Debian's VTK
// has no EGL or OSMesa window of its own and would abort.
#include <string>

#include <vtkSmartPointer.h>

class vtkRenderWindow;

namespace rfx::render {

// Throws std::runtime_error when neither X nor EGL is available.
vtkSmartPointer<vtkRenderWindow> makeOffscreenWindow(int width, int height);

// Reads the window's pixels (after a Render) and writes them as PNG, atomically.
void writeWindowPng(vtkRenderWindow* window, const std::string& path);

} // namespace rfx::render
