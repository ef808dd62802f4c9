// libFuzzer target for the TIFF reader: any byte string must either open and decode, or fail
// with rfx::InputError. Crashes, leaks, sanitizer reports and other exceptions are findings.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

#include "core/io/TiffReader.h"
#include "core/model/Dataset.h"
#include "core/util/Errors.h"

namespace {

// One temporary file per process, rewritten for every input (libtiff reads from paths).
const std::string& scratchPath()
{
    static const std::string path = [] {
        const char* dir = std::getenv("TMPDIR");
        std::string templ = std::string(dir && *dir ? dir : "/tmp") + "/fuzz-tiff-XXXXXX";
        const int fd = ::mkstemp(&templ[0]);
        if (fd < 0)
            std::abort();
        ::close(fd);
        std::atexit([] { std::remove(scratchPath().c_str()); });
        return templ;
    }();
    return path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string& path = scratchPath();
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f)
        std::abort();
    if (size && std::fwrite(data, 1, size, f) != size)
        std::abort();
    std::fclose(f);

    try {
        rfx::DatasetPtr ds = rfx::openTiff(path);
        for (std::size_t c = 0; c < ds->channelCount(); ++c)
            for (std::size_t t = 0; t < ds->channel(c).frames(); ++t)
                ds->frame(c, t);
    } catch (const rfx::InputError&) {
        // Expected for malformed input.
    }
    return 0;
}
