#pragma once
// The GUI's single-cell profiling as BackgroundJob work: core's profileOpenDataset (segmentation
// where the file has none, the 65 features, tracking) on the open dataset, then core's UMAP of the
// z-scored features; or a feature CSV read and embedded. The work sees only the immutable Dataset
// handle it captured; the commit receives everything at once.
#include <functional>
#include <vector>

#include "core/analysis/Umap.h"
#include "core/model/Dataset.h"
#include "ui/BackgroundJob.h"
#include "ui/profiling/ProfilingResults.h"

namespace rfx::ui {

struct ProfilingSetup {
    DatasetPtr dataset;  // snapshot: the handle is immutable
    std::string condition = "control";
    UmapParams umap;     // core defaults, seed 1: the same embedding as `refractome-cli embed`
    // Rows to keep before the new ones (Profile cells with "add to table"); null: a new table.
    std::shared_ptr<const ProfilingResults> appendTo;
};

struct ProfilingOutcome {
    std::shared_ptr<const ProfilingResults> results;
    DatasetPtr dataset;                  // the dataset profiled (the commit checks it is still open)
    std::vector<VolumePtr> cellLabels;   // per profiled frame
    std::vector<double> times_s;         // of the profiled frames
    std::size_t cellsWithoutNucleus = 0;
};

// UMAP of the table's z-scored features (core zScoredFeatures + umapEmbed); empty with *note set
// when the table has fewer than three rows. neighbors is capped at the row count.
Eigen::MatrixXd embedFeatureTable(const FeatureTable& table, UmapParams params, QString* note,
                                  const ProgressFn& progress = {}, const CancelToken& cancel = {});

BackgroundJob::Work makeProfilingWork(ProfilingSetup setup, std::function<void(const ProfilingOutcome&)> commit);
// Reads one or more feature CSVs (several are combined row by row, as `cat` of the files would)
// and embeds the result.
BackgroundJob::Work makeFeatureCsvWork(std::vector<std::string> csvPaths, UmapParams umap,
                                       std::function<void(std::shared_ptr<const ProfilingResults>)> commit);

} // namespace rfx::ui
