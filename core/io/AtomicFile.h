#pragma once
// Atomic output: write to a temporary file beside the destination, then rename over it.
// A crash, an exception or a cancel leaves the destination untouched and no temporary behind
// (the destructor removes an uncommitted temporary).
#include <string>

namespace rfx {

class AtomicFile {
public:
    explicit AtomicFile(std::string finalPath);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    // Where to write: same directory as the destination, so rename() is atomic.
    const std::string& tempPath() const { return temp_; }
    const std::string& finalPath() const { return final_; }
    // fsyncs and renames the temporary onto the destination. Throws on failure.
    void commit();
    // Removes the temporary now (also done by the destructor when not committed).
    void discard();

private:
    std::string final_;
    std::string temp_;
    bool done_ = false;
};

// Throws InputError when the directory of `path` does not exist or is not writable.
void checkWritableDestination(const std::string& path);

} // namespace rfx
