#include "core/prediction/ModelManifest.h"

#include <filesystem>
#include <fstream>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "core/util/Errors.h"
#include "core/util/Sha256.h"

namespace rfx {

namespace fs = std::filesystem;

std::vector<std::string> ModelManifest::outputs() const
{
    std::vector<std::string> all;
    for (const auto& f : files)
        all.insert(all.end(), f.outputs.begin(), f.outputs.end());
    return all;
}

namespace {
template <std::size_t N, class T>
std::array<T, N> fixedArray(const nlohmann::json& j, const char* key, const std::string& where)
{
    if (!j.is_array() || j.size() != N)
        throw InputError(where + ": '" + key + "' must be an array of " + std::to_string(N) + " numbers");
    std::array<T, N> a{};
    for (std::size_t i = 0; i < N; ++i) {
        if (!j[i].is_number())
            throw InputError(where + ": '" + key + "' must hold numbers");
        a[i] = j[i].get<T>();
    }
    return a;
}
} // namespace

ModelManifest loadModelManifest(const std::string& directory)
{
    const std::string path = directory + "/model.json";
    if (!fs::is_directory(directory))
        throw inputError(directory, "model package folder not found");
    std::ifstream in(path);
    if (!in)
        throw inputError(path, "model manifest not found");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw inputError(path, std::string("invalid JSON (") + e.what() + ")");
    }
    ModelManifest m;
    m.directory = directory;
    try {
        if (!j.is_object())
            throw InputError(path + ": manifest must be a JSON object");
        for (const char* key : {"name", "task", "files", "input", "sha256"})
            if (!j.contains(key))
                throw InputError(path + ": missing required key '" + key + "'");
        m.name = j.at("name").get<std::string>();
        m.task = j.at("task").get<std::string>();
        if (m.task != "fluorescence" && m.task != "segmentation" && m.task != "force")
            throw InputError(path + ": unknown task '" + m.task + "' (fluorescence, segmentation or force)");
        const auto& files = j.at("files");
        if (!files.is_array() || files.empty())
            throw InputError(path + ": 'files' must be a non-empty array");
        std::set<std::string> names;
        for (const auto& f : files) {
            ModelFile mf;
            mf.path = f.at("path").get<std::string>();
            if (mf.path.empty() || mf.path.find("..") != std::string::npos || mf.path[0] == '/')
                throw InputError(path + ": file path '" + mf.path + "' must stay inside the package");
            mf.outputs = f.at("outputs").get<std::vector<std::string>>();
            if (mf.outputs.empty())
                throw InputError(path + ": file '" + mf.path + "' declares no outputs");
            for (const auto& o : mf.outputs)
                if (o.empty() || !names.insert(o).second)
                    throw InputError(path + ": output name '" + o + "' is empty or repeated");
            m.files.push_back(mf);
        }
        const auto& input = j.at("input");
        m.voxelSize_um = fixedArray<3, double>(input.at("voxel_size_um"), "voxel_size_um", path);
        if (input.contains("channels")) {
            m.inputChannels = input.at("channels").get<std::vector<std::string>>();
            std::set<std::string> seen;
            if (m.inputChannels.empty() || m.inputChannels.size() > 8)
                throw InputError(path + ": input.channels must name 1 to 8 channels");
            for (const auto& c : m.inputChannels)
                if (c.empty() || !seen.insert(c).second)
                    throw InputError(path + ": input channel name '" + c + "' is empty or repeated");
        }
        if (input.contains("normalisation")) {
            const auto& n = input.at("normalisation");
            m.normalisation = n.at("method").get<std::string>();
            if (m.normalisation == "percentile") {
                m.percentiles = fixedArray<2, double>(n.at("percentiles"), "percentiles", path);
                if (!(m.percentiles[0] >= 0 && m.percentiles[1] > m.percentiles[0] && m.percentiles[1] <= 100))
                    throw InputError(path + ": percentiles must be [low, high] with 0 <= low < high <= 100");
            } else if (m.normalisation != "clip") {
                throw InputError(path + ": unknown input normalisation '" + m.normalisation + "' (clip or percentile)");
            }
        }
        if (m.normalisation == "clip")
            m.clip = fixedArray<2, double>(input.at("clip"), "clip", path);
        m.patch = fixedArray<3, std::size_t>(input.at("patch"), "patch", path);
        for (double v : m.voxelSize_um)
            if (!(v > 0 && v < 100))
                throw InputError(path + ": voxel_size_um must be positive µm");
        if (!(m.clip[1] > m.clip[0]))
            throw InputError(path + ": clip must be [low, high] with high > low");
        for (std::size_t p : m.patch)
            if (p < 4 || p > 1024)
                throw InputError(path + ": patch sizes must lie in [4, 1024]");
        if (j.contains("output_range")) {
            if (j.at("output_range").is_null())  // unbounded output (e.g. the published RI2FL models)
                m.outputRange = {-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
            else
                m.outputRange = fixedArray<2, double>(j.at("output_range"), "output_range", path);
        }
        for (const auto& [file, digest] : j.at("sha256").items())
            m.sha256[file] = digest.get<std::string>();
        for (const auto& f : m.files)
            if (!m.sha256.count(f.path))
                throw InputError(path + ": no sha256 for '" + f.path + "'");
    } catch (const nlohmann::json::exception& e) {
        throw inputError(path, std::string("invalid manifest (") + e.what() + ")");
    }
    return m;
}

void verifyModelChecksums(const ModelManifest& m)
{
    for (const auto& f : m.files) {
        const std::string p = m.filePath(f);
        if (!fs::is_regular_file(p))
            throw inputError(p, "model file listed in the manifest is missing");
        const std::string actual = sha256File(p);
        std::string expected = m.sha256.at(f.path);
        for (auto& c : expected)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (actual != expected)
            throw inputError(p, "checksum mismatch (manifest " + expected.substr(0, 12) + "..., file " +
                                    actual.substr(0, 12) + "...): the file was changed or corrupted");
    }
}

} // namespace rfx
