#pragma once
// The numeric part of a feature table as a matrix ready for embedding.
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "core/analysis/FeatureTable.h"

namespace rfx {

struct FeatureMatrix {
    Eigen::MatrixXd values;           // rows x used features
    std::vector<std::string> names;   // the used features, in table order
    std::vector<std::string> warnings;
};

// Feature columns z-scored per column (population sd, as sklearn's StandardScaler). Constant
// columns carry no information and would divide by zero: dropped with a warning; non-numeric
// columns outside the identifier list are ignored with a warning. InputError when nothing is left.
FeatureMatrix zScoredFeatures(const FeatureTable& table);

} // namespace rfx
