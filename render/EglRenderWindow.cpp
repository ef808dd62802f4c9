#include "render/EglRenderWindow.h"

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <vtk_glew.h>

#include <vtkObjectFactory.h>

namespace rfx::render {

vtkStandardNewMacro(EglRenderWindow);

namespace {

std::string eglErrorText(const char* what)
{
    char code[16];
    std::snprintf(code, sizeof code, "0x%04x", static_cast<unsigned>(eglGetError()));
    return std::string(what) + " failed (EGL error " + code + ")";
}

} // namespace

bool EglRenderWindow::createContext(int width, int height, std::string& error)
{
    // Surfaceless Mesa needs no device node and no X: llvmpipe renders in software.
    auto getPlatformDisplay =
        reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(eglGetProcAddress("eglGetPlatformDisplayEXT"));
    EGLDisplay display = getPlatformDisplay ? getPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr)
                                            : EGL_NO_DISPLAY;
    if (display == EGL_NO_DISPLAY) {
        error = "no EGL display (install libegl-mesa0 and libgl1-mesa-dri)";
        return false;
    }
    EGLint major = 0, minor = 0;
    if (!eglInitialize(display, &major, &minor)) {
        error = eglErrorText("eglInitialize");
        return false;
    }
    display_ = display;
    const EGLint configAttribs[] = {EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8,
                                    EGL_BLUE_SIZE, 8, EGL_ALPHA_SIZE, 8, EGL_DEPTH_SIZE, 24,
                                    EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE};
    EGLConfig config = nullptr;
    EGLint configs = 0;
    if (!eglChooseConfig(display, configAttribs, &config, 1, &configs) || configs < 1) {
        error = "no EGL configuration with an RGBA pbuffer and OpenGL";
        return false;
    }
    const EGLint surfaceAttribs[] = {EGL_WIDTH, width, EGL_HEIGHT, height, EGL_NONE};
    EGLSurface surface = eglCreatePbufferSurface(display, config, surfaceAttribs);
    if (surface == EGL_NO_SURFACE) {
        error = eglErrorText("eglCreatePbufferSurface");
        return false;
    }
    surface_ = surface;
    if (!eglBindAPI(EGL_OPENGL_API)) {
        error = eglErrorText("eglBindAPI(OpenGL)");
        return false;
    }
    const EGLint contextAttribs[] = {EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 2,
                                     EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE};
    EGLContext context = eglCreateContext(display, config, EGL_NO_CONTEXT, contextAttribs);
    if (context == EGL_NO_CONTEXT) {
        error = eglErrorText("eglCreateContext(OpenGL 3.2 core)");
        return false;
    }
    context_ = context;
    if (!eglMakeCurrent(display, surface, surface, context)) {
        error = eglErrorText("eglMakeCurrent");
        return false;
    }
    SetOwnContext(0);
    SetReadyForRendering(true);
    SetMapped(1);
    SetFrameBlitModeToNoBlit();
    SetSize(width, height);
    OpenGLInitContext();
    if (!Initialized) {
        error = "OpenGL 3.2 is not available through EGL";
        return false;
    }
    return true;
}

void EglRenderWindow::MakeCurrent()
{
    if (context_)
        eglMakeCurrent(static_cast<EGLDisplay>(display_), static_cast<EGLSurface>(surface_),
                       static_cast<EGLSurface>(surface_), static_cast<EGLContext>(context_));
}

bool EglRenderWindow::IsCurrent()
{
    return context_ && eglGetCurrentContext() == static_cast<EGLContext>(context_);
}

void EglRenderWindow::OpenGLInitContext()
{
    ContextCreationTime.Modified();
    if (Initialized)
        return;
    const GLenum result = glewInit();
    if (result != GLEW_OK && result != GLEW_ERROR_NO_GLX_DISPLAY) {
        vtkErrorMacro("GLEW could not be initialised: " << reinterpret_cast<const char*>(glewGetErrorString(result)));
        return;
    }
    if (!GLEW_VERSION_3_2 && !GLEW_VERSION_3_1) {
        vtkErrorMacro("the EGL context does not provide OpenGL 3.2");
        return;
    }
    GlewInitValid = true;
    Initialized = true;
    GLfloat range[2] = {1, 1};
    glGetFloatv(GL_ALIASED_LINE_WIDTH_RANGE, range);
    MaximumHardwareLineWidth = glGetError() == GL_NO_ERROR ? range[1] : 1.0f;
}

EglRenderWindow::~EglRenderWindow()
{
    if (context_) {
        MakeCurrent();
        ReleaseGraphicsResources(this);
    }
    auto display = static_cast<EGLDisplay>(display_);
    if (display) {
        eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
        if (context_)
            eglDestroyContext(display, static_cast<EGLContext>(context_));
        if (surface_)
            eglDestroySurface(display, static_cast<EGLSurface>(surface_));
        eglTerminate(display);
    }
}

} // namespace rfx::render
