#pragma once
// Raw per-cell measurements taken in one pass over a cell's voxels; the 65 features
// (FeatureCatalog) are simple functions of these, so every feature has one definition.
#include <array>
#include <cstddef>

namespace rfx {

// Moments of a set of RI values, with the dry mass they imply.
struct RiStats {
    std::size_t voxels = 0;
    double volume_um3 = 0;
    double mean = 0, sd = 0, median = 0, p10 = 0, p25 = 0, p75 = 0, p90 = 0, max = 0;
    double skewness = 0, excessKurtosis = 0;
    double dryMass_pg = 0;  // sum over voxels of (n - n_m) / alpha * voxel volume
};

struct ShapeStats {
    double surfaceArea_um2 = 0;       // voxel faces / 1.5 (stereological correction, docs/features.md)
    std::array<double, 3> axes_um{};  // principal axis lengths (major, middle, minor) of the equivalent ellipsoid
    std::array<double, 3> centroid_um{};  // (x, y, z)
};

struct CellMeasurements {
    int id = 0;
    bool touchesBorder = false;
    RiStats cell, nucleus, cytoplasm, nucleoli, lipidDroplets, mitochondria;
    ShapeStats cellShape, nucleusShape;
    double footprintArea_um2 = 0;
    double height_um = 0;
    int nucleoliCount = 0, lipidDropletCount = 0, mitochondriaCount = 0;
    double mitochondriaDistanceToNucleus_um = 0;
    // Mean predicted (or measured) fluorescence: actin and membrane over the cell, mitochondria and
    // lipid droplets over the cytoplasm, nucleus and nucleoli over the nucleus.
    double actinIntensity = 0, membraneIntensity = 0, mitochondriaIntensity = 0, lipidDropletsIntensity = 0,
           nucleusIntensity = 0, nucleoliIntensity = 0;
    // RI texture: mean gradient magnitude and grey-level co-occurrence statistics.
    double riGradient = 0;
    double glcmContrast = 0, glcmHomogeneity = 0, glcmEnergy = 0, glcmCorrelation = 0;
};

} // namespace rfx
