#pragma once
// libtiff plumbing shared by the TIFF reader and writer (internal to core/io). Each handle
// collects libtiff's messages itself, so nothing is printed to stderr and concurrent handles
// do not mix their messages.
#include <string>

#include <tiffio.h>

namespace rfx::tiffio {

class Handle {
public:
    // mode as for TIFFOpen ("r", "w", "w8" for BigTIFF). Check ok() afterwards; error() says why.
    Handle(const std::string& path, const char* mode);
    ~Handle();
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;

    bool ok() const { return tif_ != nullptr; }
    TIFF* get() const { return tif_; }
    // First libtiff error since open or the last clearError(), one line; empty when none.
    const std::string& error() const { return error_; }
    void clearError() { error_.clear(); }
    // Closes now; returns false when libtiff reported an error while flushing.
    bool close();

private:
    static int onError(TIFF*, void* self, const char* module, const char* fmt, va_list ap);
    static int onWarning(TIFF*, void*, const char*, const char*, va_list);

    TIFF* tif_ = nullptr;
    std::string error_;
};

// Appends " (libtiff message)" when there is one.
std::string withDetail(const std::string& problem, const std::string& libtiffMessage);

} // namespace rfx::tiffio
