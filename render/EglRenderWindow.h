#pragma once
// A VTK render window on a Mesa EGL pbuffer context, for rendering with no X server at all
// (batch nodes, containers). Debian's VTK is built for X only, so the context is made here and
// handed to vtkGenericOpenGLRenderWindow; see docs/architecture.md ("Headless rendering").
#include <string>

#include <vtkGenericOpenGLRenderWindow.h>

namespace rfx::render {

class EglRenderWindow : public vtkGenericOpenGLRenderWindow {
public:
    static EglRenderWindow* New();
    vtkTypeMacro(EglRenderWindow, vtkGenericOpenGLRenderWindow);

    // Creates the EGL display, a GL 3.2 core context and a width x height pbuffer, and makes them
    // current. Returns false with a one-line reason when EGL or the Mesa driver is missing.
    bool createContext(int width, int height, std::string& error);

    void MakeCurrent() override;
    bool IsCurrent() override;
    void Frame() override {}  // nothing to present: pixels are read back from VTK's framebuffers
    int SupportsOpenGL() override { return 1; }
    vtkTypeBool IsDirect() override { return 1; }
    // glewInit() reports GLEW_ERROR_NO_GLX_DISPLAY under EGL (Debian's GLEW is built for GLX) after
    // it has loaded every entry point through libglvnd; that error is accepted here.
    void OpenGLInitContext() override;

protected:
    EglRenderWindow() = default;
    ~EglRenderWindow() override;

private:
    void* display_ = nullptr;  // EGLDisplay, EGLSurface, EGLContext (kept opaque: no EGL in this header)
    void* surface_ = nullptr;
    void* context_ = nullptr;
};

} // namespace rfx::render
