#pragma once
// Profiling of a dataset that is already open (the GUI's, whose predicted layers may live only in
// memory): the same per-frame profileFrame + CellTracker steps as profileFiles, but on a Dataset
// and keeping each frame's cell labels, so that selected cells can be shown in the volume.
#include <map>
#include <string>
#include <vector>

#include "core/analysis/FeatureTable.h"
#include "core/profiling/DatasetProfiler.h"

namespace rfx {

struct OpenDatasetProfile {
    ProfileResult result;
    std::vector<std::size_t> frames;    // the profiled frames: all of the RI's
    std::vector<VolumePtr> cellLabels;  // per profiled frame, int labels on the RI grid
};

// Throws InputError naming the dataset when it has no RI or lacks a profiling channel.
OpenDatasetProfile profileOpenDataset(const Dataset& ds, const std::string& condition,
                                      const SegmentationParams& segmentation = {}, const TrackerParams& tracking = {},
                                      const ProgressFn& progress = {}, const CancelToken& cancel = {});

// The rows exactly as `profile` writes them (writeFeatureCsv, read back), so GUI and CLI tables
// are the same; `units` receives the sidecar's column -> unit map.
FeatureTable featureTableOf(const ProfileResult& result, std::map<std::string, std::string>* units = nullptr);

// Units of a feature CSV's columns: its "<stem>.units.csv" sidecar when present, else what
// `profile` writes for the column (feature catalog and identifiers); "" when unknown.
std::map<std::string, std::string> featureCsvUnits(const std::string& csvPath, const FeatureTable& table);

} // namespace rfx
