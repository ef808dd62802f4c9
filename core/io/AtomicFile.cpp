#include "core/io/AtomicFile.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <random>
#include <unistd.h>

#include "core/util/Errors.h"

namespace rfx {

namespace fs = std::filesystem;

AtomicFile::AtomicFile(std::string finalPath) : final_(std::move(finalPath))
{
    checkWritableDestination(final_);
    const fs::path p(final_);
    std::random_device rd;
    // Hidden, unique, and recognisable as ours if a crash ever leaves one.
    temp_ = (p.parent_path() / ("." + p.filename().string() + ".partial-" + std::to_string(::getpid()) + "-" +
                                std::to_string(rd() % 1000000)))
                .string();
}

AtomicFile::~AtomicFile()
{
    if (!done_)
        discard();
}

void AtomicFile::discard()
{
    std::error_code ec;
    fs::remove(temp_, ec);
    done_ = true;
}

void AtomicFile::commit()
{
    if (done_)
        throw std::logic_error("AtomicFile: commit after discard/commit");
    int fd = ::open(temp_.c_str(), O_RDONLY);
    if (fd < 0)
        throw std::runtime_error(final_ + ": nothing was written (" + std::strerror(errno) + ")");
    ::fsync(fd);
    ::close(fd);
    if (std::rename(temp_.c_str(), final_.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        discard();
        throw std::runtime_error(final_ + ": cannot move result into place (" + why + ")");
    }
    done_ = true;
}

void checkWritableDestination(const std::string& path)
{
    fs::path p(path);
    fs::path dir = p.parent_path();
    if (dir.empty())
        dir = ".";
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw InputError(path + ": output directory '" + dir.string() + "' does not exist");
    if (::access(dir.c_str(), W_OK) != 0)
        throw InputError(path + ": output directory '" + dir.string() + "' is not writable");
    if (fs::is_directory(p, ec))
        throw InputError(path + ": is a directory, expected a file name");
}

} // namespace rfx
