#include "core/prediction/ModelLocator.h"

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "core/util/BuildInfo.h"
#include "core/util/Errors.h"

namespace rfx {

namespace fs = std::filesystem;

std::string bundledModelDirectory(const std::string& name)
{
    std::vector<fs::path> roots;
    if (const char* env = std::getenv("REFRACTOME_MODEL_DIR"))
        roots.emplace_back(env);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        roots.push_back(exe.parent_path().parent_path() / "share" / "refractome" / "models");
    roots.push_back(fs::path(REFRACTOME_SOURCE_DIR) / "models");
    for (const auto& r : roots)
        if (fs::is_regular_file(r / name / "model.json", ec))
            return (r / name).string();
    throw InputError("bundled model '" + name + "' not found (set REFRACTOME_MODEL_DIR or pass --model DIR)");
}

} // namespace rfx
