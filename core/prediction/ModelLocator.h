#pragma once
// Finds bundled model packages: $REFRACTOME_MODEL_DIR, then beside an installed executable
// (../share/refractome/models), then the source tree's models/ (for builds that are not installed).
#include <string>

namespace rfx {

// Directory of the bundled package `name` (e.g. "ri2fl-synthetic"); InputError when not found.
std::string bundledModelDirectory(const std::string& name);

} // namespace rfx
