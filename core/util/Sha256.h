#pragma once
// SHA-256 (FIPS 180-4) for verifying model files before they are loaded.
#include <cstddef>
#include <cstdint>
#include <string>

namespace rfx {

class Sha256 {
public:
    Sha256();
    void update(const void* data, std::size_t size);
    // Lower-case hex digest; the object must not be updated afterwards.
    std::string hexDigest();

private:
    void block(const std::uint8_t* p);
    std::uint32_t h_[8];
    std::uint8_t buffer_[64];
    std::size_t buffered_ = 0;
    std::uint64_t length_ = 0;
};

// Hex digest of a file's contents; throws InputError when it cannot be read.
std::string sha256File(const std::string& path);

} // namespace rfx
