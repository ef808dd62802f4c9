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
};

// One row; one column (with its unit) per summary quantity.
ResultsTable tfmSummaryTable(const TfmResult& r);
// The CSV text: positions from the centre of voxel (0,0,0) of the relaxed volume, nodal forces in pN.
std::string tfmVectorsCsv(const TfmResult& r);
void writeTfmOutputs(const TfmOutputRequest& request, const TfmResult& r);

} // namespace rfx
