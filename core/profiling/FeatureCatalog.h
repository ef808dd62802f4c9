#pragma once
// The 65 single-cell features: the one table in code that names them, gives their unit,
// compartment and definition, and computes them from CellMeasurements. The feature table's
// columns, the CLI help and docs/features.md (packaging/gen-features-doc.sh) all come from here.
#include <string>
#include <vector>

#include "core/profiling/CellMeasurements.h"

namespace rfx {

struct FeatureSpec {
    const char* name;
    const char* unit;
    const char* compartment;  // cell, nucleus, cytoplasm, nucleoli, lipid droplets, mitochondria, fluorescence, texture
    const char* definition;
    double (*compute)(const CellMeasurements&);
    bool riEquivalent = false;  // a "mass" computed with the protein refractive increment (not a true mass)
};

const std::vector<FeatureSpec>& featureCatalog();

// Feature values of one cell in catalog order.
std::vector<double> computeFeatures(const CellMeasurements& m);

// Markdown table of the catalog (docs/features.md).
std::string featureCatalogMarkdown();

} // namespace rfx
