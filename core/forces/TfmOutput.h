#pragma once
// Output of a force-microscopy run: the results HDF5 (channels on the correlation grid, a "summary"
// table and a "parameters" document) and the per-node vectors CSV. Written together: either both
// appear or neither (docs/tfm.md lists the layout).
#include <string>

#include "core/forces/TfmPipeline.h"
#include "core/io/ResultsWriter.h"

namespace rfx {

struct TfmOutputRequest {
    std::string resultsPath;     // *.h5
    std::string vectorsCsvPath;  // empty: no CSV
    std::string source;          // "RELAXED -> STRESSED", stored as the file's source
    std::string parametersJson;  // stored as /documents/parameters
    std::string analysis = "3D cellular force microscopy (classical: DVC + direct method)";  // file metadata
    // For the view (forces over the cell and the beads), on the image grid, both optional:
    VolumePtr beads;     // the stressed bead volume: its sharpest z-slice is stored as bead_slice
    VolumePtr cellMask;  // stored as cell_mask (uint8, 1 = cell)
};

// What a run was asked to do, for its "parameters" document.
struct TfmRunInfo {
    std::string method = "dvc";  // dvc or dl
    std::string relaxed, stressed, mask;  // input paths (mask may be empty)
    TfmParams params;                     // material, stress model, smoothing, DVC settings
    std::string learnedJson;              // dl: the model's description (a JSON object), else empty
};
// The "parameters" document (JSON): inputs, voxel size, material, stress model, windows, steps,
// passes with sweeps, last update and replaced vectors, the valid fraction. CLI and GUI share it.
std::string tfmParametersJson(const TfmRunInfo& info, const TfmResult& r);

// The z index of the slice with the largest variance: the bead plane most in focus.
std::size_t sharpestSlice(const Volume& v);
// That slice alone, as a volume of one z-slice at its physical z (float32).
Volume sliceAt(const Volume& v, std::size_t z);

// One row; one column (with its unit) per summary quantity.
ResultsTable tfmSummaryTable(const TfmResult& r);
// The CSV text: positions from the centre of voxel (0,0,0) of the relaxed volume, nodal forces in pN.
std::string tfmVectorsCsv(const TfmResult& r);
void writeTfmOutputs(const TfmOutputRequest& request, const TfmResult& r);

} // namespace rfx
