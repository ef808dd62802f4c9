#pragma once
// A fresh temporary directory per test, removed with its contents when the object goes away.
#include <string>

namespace rfx::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

// Number of entries in a directory (to assert that nothing was left behind).
std::size_t entryCount(const std::string& dir);

} // namespace rfx::test
