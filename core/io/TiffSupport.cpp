#include "core/io/TiffSupport.h"

#include <cstdarg>
#include <cstdio>
#include <fcntl.h>
#include <mutex>

namespace rfx::tiffio {

namespace {
// Messages from code paths that run before a handle exists still go to the process-wide
// handlers; those would print to stderr, so they are switched off once.
void silenceGlobalHandlers()
{
    static std::once_flag once;
    std::call_once(once, [] {
        TIFFSetErrorHandler(nullptr);
        TIFFSetWarningHandler(nullptr);
    });
}

// Upper bound for any single libtiff allocation: guards against declared strip/tile sizes in
// hostile files (pixel buffers are ours and checked separately against kMaxVolumeBytes).
constexpr tmsize_t kMaxLibtiffAlloc = tmsize_t(1) << 30;
} // namespace

Handle::Handle(const std::string& path, const char* mode)
{
    silenceGlobalHandlers();
    TIFFOpenOptions* opts = TIFFOpenOptionsAlloc();
    TIFFOpenOptionsSetErrorHandlerExtR(opts, &Handle::onError, this);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, &Handle::onWarning, this);
    TIFFOpenOptionsSetMaxSingleMemAlloc(opts, kMaxLibtiffAlloc);
    tif_ = TIFFOpenExt(path.c_str(), mode, opts);
    TIFFOpenOptionsFree(opts);
}

Handle::~Handle()
{
    close();
}

bool Handle::close()
{
    if (!tif_)
        return error_.empty();
    const bool writing = TIFFGetMode(tif_) != O_RDONLY;
    bool flushed = true;
    if (writing)
        flushed = TIFFFlush(tif_) == 1;
    TIFFClose(tif_);
    tif_ = nullptr;
    return flushed && error_.empty();
}

int Handle::onError(TIFF*, void* self, const char* module, const char* fmt, va_list ap)
{
    auto* h = static_cast<Handle*>(self);
    if (h && h->error_.empty()) {
        char buf[512];
        std::vsnprintf(buf, sizeof buf, fmt, ap);
        std::string msg = (module && *module) ? std::string(module) + ": " + buf : std::string(buf);
        for (char& c : msg)
            if (c == '\n' || c == '\r')
                c = ' ';
        h->error_ = msg;
    }
    return 1;  // handled: do not call the global handler
}

int Handle::onWarning(TIFF*, void*, const char*, const char*, va_list)
{
    return 1;  // unknown tags and the like: not the user's concern
}

std::string withDetail(const std::string& problem, const std::string& libtiffMessage)
{
    return libtiffMessage.empty() ? problem : problem + " (" + libtiffMessage + ")";
}

} // namespace rfx::tiffio
