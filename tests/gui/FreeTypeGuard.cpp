// LD_PRELOAD guard for the GUI tests: every call VTK makes into FreeType's glyph cache must come from
// a thread that holds the render lock (rfx::render::RenderGuard, render/RenderLock.h). VTK's FreeType tools are one
// process-wide, non-thread-safe singleton; one unguarded path (camera clipping ranges measuring 3D
// text labels on the movie worker) crashed CI once in ~70 runs. This turns such a path into a
// deterministic failure with its stack, on the first call.
//
// The wrappers forward to the real FreeType functions (dlsym RTLD_NEXT); calls from anything but
// VTK's FreeType module (Qt's own font engine) are not checked. At exit the guard fails the run if it
// checked no call at all: a test that drew no text, or a guard that was not loaded, proves nothing.
#include <dlfcn.h>
#include <execinfo.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

std::atomic<long> checkedCalls{0};

using HeldFn = int (*)();
// Set in the process that links the render library with its symbols exported (the test program);
// null in any other process the preload reaches (a shell wrapper, the ffmpeg encoder): no checks there.
HeldFn lockHeld = nullptr;

bool calledFromVtkFreeType(void* returnAddress)
{
    Dl_info info;
    return dladdr(returnAddress, &info) && info.dli_fname && std::strstr(info.dli_fname, "vtkRenderingFreeType");
}

void check(const char* function, void* returnAddress)
{
    if (!lockHeld || !calledFromVtkFreeType(returnAddress))
        return;
    ++checkedCalls;
    if (lockHeld())
        return;
    std::fprintf(stderr, "freetype guard: %s called without the render lock; stack:\n", function);
    void* frames[48];
    backtrace_symbols_fd(frames, backtrace(frames, 48), 2);
    std::abort();
}

struct ExitReport {
    ExitReport()
    {
        lockHeld = reinterpret_cast<HeldFn>(dlsym(RTLD_DEFAULT, "rfx_render_lock_held"));
        if (lockHeld)
            unsetenv("LD_PRELOAD");  // child processes (the ffmpeg encoder) are not the test
    }
    ~ExitReport()
    {
        if (!lockHeld)
            return;
        std::fprintf(stderr, "freetype guard: %ld FreeType cache calls from VTK checked, all under the render lock\n",
                     checkedCalls.load());
        if (checkedCalls.load() == 0)
            _exit(3);
    }
} exitReport;

template <class F>
F real(const char* name)
{
    return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

} // namespace

// FreeType's opaque handles, as void*: the wrappers only forward them.
#define RFX_GUARD(ret, name, params, args)                                                                   \
    extern "C" ret name params                                                                               \
    {                                                                                                        \
        using Fn = ret(*) params;                                                                            \
        static const Fn forward = real<Fn>(#name);                                                           \
        check(#name, __builtin_return_address(0));                                                           \
        return forward args;                                                                                 \
    }

RFX_GUARD(unsigned, FTC_CMapCache_Lookup, (void* cache, void* face, int cmap, unsigned code), (cache, face, cmap, code))
RFX_GUARD(int, FTC_ImageCache_Lookup, (void* cache, void* type, unsigned glyph, void* out, void* node),
          (cache, type, glyph, out, node))
RFX_GUARD(int, FTC_ImageCache_LookupScaler,
          (void* cache, void* scaler, unsigned long flags, unsigned glyph, void* out, void* node),
          (cache, scaler, flags, glyph, out, node))
RFX_GUARD(int, FTC_Manager_LookupFace, (void* manager, void* face, void* out), (manager, face, out))
RFX_GUARD(int, FTC_Manager_LookupSize, (void* manager, void* scaler, void* out), (manager, scaler, out))
RFX_GUARD(int, FT_Get_Kerning, (void* face, unsigned left, unsigned right, unsigned mode, void* out),
          (face, left, right, mode, out))
