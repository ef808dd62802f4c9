#pragma once
// Several feature tables as one (e.g. control and treated `profile` outputs, or newly profiled
// cells added to a table): the rows one after the other, as concatenating the CSVs would give.
#include <string>
#include <vector>

#include "core/analysis/FeatureTable.h"

namespace rfx {

// InputError naming the first table whose columns differ from the first table's, or for no tables.
FeatureTable concatenateFeatureTables(const std::vector<const FeatureTable*>& tables, const std::string& source);

} // namespace rfx
