#pragma once
// A render window that draws into memory, for the CLI and for figure export. With an X display
// (a desktop or Xvfb) VTK's own offscreen X window is used; Debian's VTK has no EGL or OSMesa
// window, so without a display this throws a clear error instead of letting VTK abort.
#include <string>

#include <vtkSmartPointer.h>

class vtkRenderWindow;

namespace rfx::render {

// Throws std::runtime_error when no display is available.
vtkSmartPointer<vtkRenderWindow> makeOffscreenWindow(int width, int height);

// Reads the window's pixels (after a Render) and writes them as PNG, atomically.
void writeWindowPng(vtkRenderWindow* window, const std::string& path);

} // namespace rfx::render
