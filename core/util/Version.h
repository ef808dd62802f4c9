#pragma once
#include <string>

namespace rfx {
// "0.1.0"
std::string version();
} // namespace rfx
