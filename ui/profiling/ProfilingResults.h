#pragma once
// What the profiling panel shows, as immutable core objects made on a worker: the feature table
// (core FeatureTable, one row per cell and frame), its column units, and the UMAP embedding of
// its z-scored features. Shared read-only between the panel's models and plots.
#include <Eigen/Dense>
#include <QString>
#include <QStringList>
#include <map>
#include <memory>
#include <string>

#include "core/analysis/FeatureTable.h"

namespace rfx::ui {

struct ProfilingResults {
    std::shared_ptr<const FeatureTable> table;
    std::map<std::string, std::string> units;  // column -> unit
    Eigen::MatrixXd embedding;                 // rows x 2; empty when there is none
    QString embeddingNote;                     // why there is none, or the embedding's warnings
    QString origin;                            // "profiled FILE" or the CSVs' paths
    QStringList files;                         // the CSVs it was read from; empty: not on disk yet
};

} // namespace rfx::ui
