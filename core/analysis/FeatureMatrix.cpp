#include "core/analysis/FeatureMatrix.h"

#include <algorithm>
#include <cmath>

#include "core/util/Errors.h"

namespace rfx {

FeatureMatrix zScoredFeatures(const FeatureTable& table)
{
    FeatureMatrix out;
    for (std::size_t c : table.nonNumericColumns())
        out.warnings.push_back("column '" + table.columns()[c] + "' is not numeric; not used as a feature");
    std::vector<std::size_t> used;
    for (std::size_t c : table.featureColumns()) {
        const auto& v = table.values(c);
        if (std::all_of(v.begin(), v.end(), [&](double x) { return x == v.front(); }))
            out.warnings.push_back("column '" + table.columns()[c] + "' is constant; not used as a feature");
        else
            used.push_back(c);
    }
    if (used.empty())
        throw inputError(table.source(), "no numeric feature column with varying values");
    const Eigen::Index n = Eigen::Index(table.rowCount());
    out.values.resize(n, Eigen::Index(used.size()));
    for (std::size_t u = 0; u < used.size(); ++u) {
        const auto& v = table.values(used[u]);
        Eigen::VectorXd col = Eigen::Map<const Eigen::VectorXd>(v.data(), n);
        col.array() -= col.mean();
        col /= std::sqrt(col.squaredNorm() / double(n));
        out.values.col(Eigen::Index(u)) = col;
        out.names.push_back(table.columns()[used[u]]);
    }
    return out;
}

} // namespace rfx
