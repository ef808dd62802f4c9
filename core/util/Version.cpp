#include "core/util/Version.h"

#include "core/util/BuildInfo.h"

namespace rfx {
std::string version() { return REFRACTOME_VERSION; }
} // namespace rfx
