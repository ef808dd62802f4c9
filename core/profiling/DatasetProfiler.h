#pragma once
// Profiling of whole files: for every frame, the cells are segmented (or the file's own
// cell_labels / nucleus_labels / <organelle>_mask channels are used, e.g. from `segment`),
// measured (the 65 features), and tracked through time. Rows are written as CSV (with a units
// sidecar) or as an HDF5 table.
#include <array>
#include <string>
#include <vector>

#include "core/model/Dataset.h"
#include "core/profiling/CellTracker.h"
#include "core/segmentation/CellSegmentation.h"
#include "core/util/Progress.h"

namespace rfx {

struct FeatureRow {
    std::string source;
    std::size_t frame = 0;
    double time_s = 0;
    int cellId = 0;
    int trackId = 0;
    int parentId = 0;
    std::string condition;
    std::array<double, 3> centroid_um{};  // (x, y, z)
    bool touchesBorder = false;
    std::vector<double> features;  // featureCatalog() order
};

struct ProfileInputs {
    std::vector<std::string> files;
    std::string condition = "control";
    SegmentationParams segmentation;
    TrackerParams tracking;
    bool excludeBorder = false;  // drop cells cut by the lateral field border
};

struct ProfileResult {
    std::vector<FeatureRow> rows;
    std::size_t cellsWithoutNucleus = 0;  // skipped: their nucleus features are undefined
    std::size_t borderCellsExcluded = 0;
};

// The six fluorescence targets profiling reads (all must be present).
const std::vector<std::string>& profilingChannels();

// Rows of one frame of one dataset (tracking not applied: trackId = cellId).
ProfileResult profileFrame(const Dataset& ds, std::size_t t, const std::string& condition,
                           const SegmentationParams& params, const CancelToken& cancel = {},
                           Volume* cellLabelsOut = nullptr);

// Throws InputError naming the file for unreadable inputs or missing channels.
ProfileResult profileFiles(const ProfileInputs& in, const ProgressFn& progress = {}, const CancelToken& cancel = {});

// Identifier columns followed by the 65 feature names.
std::vector<std::string> featureTableHeader();
// CSV (atomic) plus a sidecar "<path without .csv>.units.csv" (feature, unit, compartment, definition).
void writeFeatureCsv(const std::string& path, const ProfileResult& result);
// HDF5 table /tables/features (numeric columns with "unit" attributes; source and condition as
// text columns), written atomically.
void writeFeatureHdf5(const std::string& path, const ProfileResult& result);

} // namespace rfx
