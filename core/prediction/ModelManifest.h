#pragma once
// A model package: a folder with model.json and TorchScript file(s) (schema in docs/models.md).
// The manifest is validated on load and every file's SHA-256 is checked before any is loaded.
#include <array>
#include <map>
#include <string>
#include <vector>

namespace rfx {

struct ModelFile {
    std::string path;                  // relative to the package folder
    std::vector<std::string> outputs;  // channel names, in the network's output order
};

struct ModelManifest {
    std::string directory;
    std::string name;
    std::string task;  // "fluorescence", "segmentation" or "force"
    std::vector<ModelFile> files;
    // Input channels the network receives, in order (one volume each, on one grid); default one "ri".
    std::vector<std::string> inputChannels{"ri"};
    std::array<double, 3> voxelSize_um{0.2, 0.15, 0.15};  // (z, y, x)
    // How each input volume is scaled before tiling: "clip" (RI clipped to `clip`, scaled to [0, 1]) or
    // "percentile" ((v - p_lo) / (p_hi - p_lo) with the volume's own percentiles: bead images, whose
    // brightness depends on the microscope).
    std::string normalisation = "clip";
    std::array<double, 2> clip{1.337, 1.390};
    std::array<double, 2> percentiles{50.0, 99.9};
    std::array<std::size_t, 3> patch{64, 256, 256};       // (z, y, x)
    std::map<std::string, std::string> sha256;            // file path -> hex digest
    std::array<double, 2> outputRange{0.0, 1.0};          // outputs are clamped to this range (null: unbounded)

    // All output channel names over all files, in order.
    std::vector<std::string> outputs() const;
    std::string filePath(const ModelFile& f) const { return directory + "/" + f.path; }
};

// Reads and validates DIR/model.json. InputError for a missing or invalid manifest.
ModelManifest loadModelManifest(const std::string& directory);
// Recomputes every file's SHA-256 and compares; InputError naming the file on mismatch or absence.
void verifyModelChecksums(const ModelManifest& manifest);

} // namespace rfx
