#include "core/profiling/FeatureCatalog.h"

#include <cmath>
#include <sstream>

namespace rfx {

namespace {

constexpr double kPi = 3.14159265358979323846;

double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

// Sphericity: surface of the sphere of equal volume over the measured surface (1 for a sphere).
double sphericity(double volume, double area)
{
    return area > 0 ? std::cbrt(kPi) * std::pow(6 * volume, 2.0 / 3.0) / area : 0.0;
}

double distance(const std::array<double, 3>& a, const std::array<double, 3>& b)
{
    return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

using M = CellMeasurements;

} // namespace

const std::vector<FeatureSpec>& featureCatalog()
{
    static const std::vector<FeatureSpec> table = {
        // Cell morphology
        {"cell_volume", "µm³", "cell", "number of cell voxels times the voxel volume",
         [](const M& m) { return m.cell.volume_um3; }},
        {"cell_surface_area", "µm²", "cell", "area of the cell's boundary voxel faces divided by 1.5 (stereological correction for voxelised surfaces)",
         [](const M& m) { return m.cellShape.surfaceArea_um2; }},
        {"cell_sphericity", "1", "cell", "π^(1/3) (6V)^(2/3) / A: 1 for a sphere, smaller for flat or irregular cells",
         [](const M& m) { return sphericity(m.cell.volume_um3, m.cellShape.surfaceArea_um2); }},
        {"cell_footprint_area", "µm²", "cell", "area of the cell's projection onto the coverslip (x-y plane)",
         [](const M& m) { return m.footprintArea_um2; }},
        {"cell_height", "µm", "cell", "extent of the cell along z (top slice minus bottom slice plus one, times the z spacing)",
         [](const M& m) { return m.height_um; }},
        {"cell_major_axis", "µm", "cell", "longest axis of the ellipsoid with the same second moments: 2 sqrt(5 λ1)",
         [](const M& m) { return m.cellShape.axes_um[0]; }},
        {"cell_minor_axis", "µm", "cell", "shortest axis of that ellipsoid: 2 sqrt(5 λ3)",
         [](const M& m) { return m.cellShape.axes_um[2]; }},
        {"cell_elongation", "1", "cell", "major axis / middle axis",
         [](const M& m) { return ratio(m.cellShape.axes_um[0], m.cellShape.axes_um[1]); }},
        {"cell_flatness", "1", "cell", "minor axis / middle axis (small for spread, flat cells)",
         [](const M& m) { return ratio(m.cellShape.axes_um[2], m.cellShape.axes_um[1]); }},
        // Cell RI
        {"cell_ri_mean", "RI", "cell", "mean refractive index over the cell", [](const M& m) { return m.cell.mean; }},
        {"cell_ri_std", "RI", "cell", "standard deviation of the refractive index over the cell",
         [](const M& m) { return m.cell.sd; }},
        {"cell_ri_median", "RI", "cell", "median refractive index", [](const M& m) { return m.cell.median; }},
        {"cell_ri_p10", "RI", "cell", "10th percentile of the refractive index", [](const M& m) { return m.cell.p10; }},
        {"cell_ri_p90", "RI", "cell", "90th percentile of the refractive index", [](const M& m) { return m.cell.p90; }},
        {"cell_ri_iqr", "RI", "cell", "interquartile range (75th minus 25th percentile)",
         [](const M& m) { return m.cell.p75 - m.cell.p25; }},
        {"cell_ri_max", "RI", "cell", "largest refractive index in the cell", [](const M& m) { return m.cell.max; }},
        {"cell_ri_skewness", "1", "cell", "skewness of the refractive-index distribution (third standardised moment)",
         [](const M& m) { return m.cell.skewness; }},
        {"cell_ri_kurtosis", "1", "cell", "excess kurtosis of the refractive-index distribution",
         [](const M& m) { return m.cell.excessKurtosis; }},
        // Dry mass
        {"cell_dry_mass", "pg", "cell", "Σ (n − n_m)/α · V_voxel with α = 0.190 mL/g and n_m the medium RI (1 g/mL = 1 pg/µm³)",
         [](const M& m) { return m.cell.dryMass_pg; }},
        {"cell_mass_density", "pg/µm³", "cell", "cell dry mass / cell volume (mean dry-mass concentration)",
         [](const M& m) { return ratio(m.cell.dryMass_pg, m.cell.volume_um3); }},
        {"cell_areal_mass_density", "pg/µm²", "cell", "cell dry mass / footprint area",
         [](const M& m) { return ratio(m.cell.dryMass_pg, m.footprintArea_um2); }},
        // Nucleus
        {"nucleus_volume", "µm³", "nucleus", "volume of the cell's nucleus", [](const M& m) { return m.nucleus.volume_um3; }},
        {"nucleus_surface_area", "µm²", "nucleus", "boundary voxel-face area / 1.5",
         [](const M& m) { return m.nucleusShape.surfaceArea_um2; }},
        {"nucleus_sphericity", "1", "nucleus", "π^(1/3) (6V)^(2/3) / A of the nucleus",
         [](const M& m) { return sphericity(m.nucleus.volume_um3, m.nucleusShape.surfaceArea_um2); }},
        {"nucleus_elongation", "1", "nucleus", "major / middle axis of the nucleus' moment ellipsoid",
         [](const M& m) { return ratio(m.nucleusShape.axes_um[0], m.nucleusShape.axes_um[1]); }},
        {"nucleus_ri_mean", "RI", "nucleus", "mean refractive index of the nucleus", [](const M& m) { return m.nucleus.mean; }},
        {"nucleus_ri_std", "RI", "nucleus", "standard deviation of the nucleus' refractive index",
         [](const M& m) { return m.nucleus.sd; }},
        {"nucleus_dry_mass", "pg", "nucleus", "dry mass of the nucleus (as cell_dry_mass)",
         [](const M& m) { return m.nucleus.dryMass_pg; }},
        {"nucleus_mass_density", "pg/µm³", "nucleus", "nucleus dry mass / nucleus volume",
         [](const M& m) { return ratio(m.nucleus.dryMass_pg, m.nucleus.volume_um3); }},
        {"nucleus_to_cell_volume_ratio", "1", "nucleus", "nucleus volume / cell volume",
         [](const M& m) { return ratio(m.nucleus.volume_um3, m.cell.volume_um3); }},
        {"nucleus_offset", "µm", "nucleus", "distance between the nucleus and cell centroids (nuclear positioning)",
         [](const M& m) { return m.nucleus.voxels ? distance(m.nucleusShape.centroid_um, m.cellShape.centroid_um) : 0.0; }},
        // Cytoplasm
        {"cytoplasm_volume", "µm³", "cytoplasm", "cell minus nucleus", [](const M& m) { return m.cytoplasm.volume_um3; }},
        {"cytoplasm_ri_mean", "RI", "cytoplasm", "mean refractive index of the cytoplasm",
         [](const M& m) { return m.cytoplasm.mean; }},
        {"cytoplasm_ri_std", "RI", "cytoplasm", "standard deviation of the cytoplasm's refractive index",
         [](const M& m) { return m.cytoplasm.sd; }},
        {"cytoplasm_dry_mass", "pg", "cytoplasm", "dry mass of the cytoplasm", [](const M& m) { return m.cytoplasm.dryMass_pg; }},
        {"cytoplasm_mass_density", "pg/µm³", "cytoplasm", "cytoplasm dry mass / cytoplasm volume",
         [](const M& m) { return ratio(m.cytoplasm.dryMass_pg, m.cytoplasm.volume_um3); }},
        {"nucleus_to_cytoplasm_density_ratio", "1", "cytoplasm", "nucleus mass density / cytoplasm mass density",
         [](const M& m) {
             return ratio(ratio(m.nucleus.dryMass_pg, m.nucleus.volume_um3), ratio(m.cytoplasm.dryMass_pg, m.cytoplasm.volume_um3));
         }},
        // Nucleoli
        {"nucleoli_count", "count", "nucleoli", "connected components of the nucleoli mask inside the nucleus",
         [](const M& m) { return static_cast<double>(m.nucleoliCount); }},
        {"nucleoli_volume", "µm³", "nucleoli", "total nucleoli volume", [](const M& m) { return m.nucleoli.volume_um3; }},
        {"nucleoli_mean_volume", "µm³", "nucleoli", "nucleoli volume / nucleoli count (0 without nucleoli)",
         [](const M& m) { return ratio(m.nucleoli.volume_um3, m.nucleoliCount); }},
        {"nucleoli_ri_mean", "RI", "nucleoli", "mean refractive index of the nucleoli (0 without nucleoli)",
         [](const M& m) { return m.nucleoli.mean; }},
        {"nucleoli_dry_mass", "pg", "nucleoli", "dry mass of the nucleoli", [](const M& m) { return m.nucleoli.dryMass_pg; }},
        {"nucleoli_volume_fraction", "1", "nucleoli", "nucleoli volume / nucleus volume",
         [](const M& m) { return ratio(m.nucleoli.volume_um3, m.nucleus.volume_um3); }},
        // Lipid droplets
        {"lipid_droplet_count", "count", "lipid droplets", "connected components of the lipid-droplet mask in the cytoplasm",
         [](const M& m) { return static_cast<double>(m.lipidDropletCount); }},
        {"lipid_droplet_volume", "µm³", "lipid droplets", "total lipid-droplet volume",
         [](const M& m) { return m.lipidDroplets.volume_um3; }},
        {"lipid_droplet_mean_volume", "µm³", "lipid droplets", "lipid-droplet volume / count (0 without droplets)",
         [](const M& m) { return ratio(m.lipidDroplets.volume_um3, m.lipidDropletCount); }},
        {"lipid_droplet_ri_mean", "RI", "lipid droplets", "mean refractive index of the droplets (0 without droplets)",
         [](const M& m) { return m.lipidDroplets.mean; }},
        {"lipid_droplet_mass_ri_equivalent", "pg", "lipid droplets",
         "RI-EQUIVALENT mass: Σ (n − n_m)/α · V_voxel with the protein α = 0.190 mL/g; lipids have a different "
         "refractive increment, so this is not their true mass",
         [](const M& m) { return m.lipidDroplets.dryMass_pg; }, true},
        {"lipid_droplet_volume_fraction", "1", "lipid droplets", "lipid-droplet volume / cytoplasm volume",
         [](const M& m) { return ratio(m.lipidDroplets.volume_um3, m.cytoplasm.volume_um3); }},
        // Mitochondria
        {"mitochondria_volume", "µm³", "mitochondria", "volume of the mitochondria mask in the cytoplasm",
         [](const M& m) { return m.mitochondria.volume_um3; }},
        {"mitochondria_volume_fraction", "1", "mitochondria", "mitochondria volume / cytoplasm volume",
         [](const M& m) { return ratio(m.mitochondria.volume_um3, m.cytoplasm.volume_um3); }},
        {"mitochondria_count", "count", "mitochondria", "connected fragments of the mitochondria mask (network fragmentation)",
         [](const M& m) { return static_cast<double>(m.mitochondriaCount); }},
        {"mitochondria_ri_mean", "RI", "mitochondria", "mean refractive index of the mitochondria (0 without any)",
         [](const M& m) { return m.mitochondria.mean; }},
        {"mitochondria_distance_to_nucleus", "µm", "mitochondria",
         "mean distance of mitochondria voxels from the nucleus centroid (perinuclear clustering)",
         [](const M& m) { return m.mitochondriaDistanceToNucleus_um; }},
        // Fluorescence of the predicted channels
        {"actin_intensity", "a.u.", "fluorescence", "mean actin channel over the cell", [](const M& m) { return m.actinIntensity; }},
        {"membrane_intensity", "a.u.", "fluorescence", "mean plasma-membrane channel over the cell",
         [](const M& m) { return m.membraneIntensity; }},
        {"mitochondria_intensity", "a.u.", "fluorescence", "mean mitochondria channel over the cytoplasm",
         [](const M& m) { return m.mitochondriaIntensity; }},
        {"lipid_droplets_intensity", "a.u.", "fluorescence", "mean lipid-droplet channel over the cytoplasm",
         [](const M& m) { return m.lipidDropletsIntensity; }},
        {"nucleus_intensity", "a.u.", "fluorescence", "mean nucleus channel over the nucleus",
         [](const M& m) { return m.nucleusIntensity; }},
        {"nucleoli_intensity", "a.u.", "fluorescence", "mean nucleoli channel over the nucleus",
         [](const M& m) { return m.nucleoliIntensity; }},
        // RI texture
        {"ri_gradient_mean", "RI/µm", "texture", "mean magnitude of the RI gradient (central differences) inside the cell",
         [](const M& m) { return m.riGradient; }},
        {"ri_glcm_contrast", "1", "texture", "grey-level co-occurrence contrast Σ p(i,j)(i−j)², 32 RI levels over [n_m, n_m+0.08], 1-voxel offsets along x, y, z",
         [](const M& m) { return m.glcmContrast; }},
        {"ri_glcm_homogeneity", "1", "texture", "co-occurrence homogeneity Σ p(i,j)/(1+(i−j)²)",
         [](const M& m) { return m.glcmHomogeneity; }},
        {"ri_glcm_energy", "1", "texture", "co-occurrence energy Σ p(i,j)² (angular second moment)",
         [](const M& m) { return m.glcmEnergy; }},
        {"ri_glcm_correlation", "1", "texture", "co-occurrence correlation Σ (i−μ)(j−μ)p(i,j)/σ²",
         [](const M& m) { return m.glcmCorrelation; }},
    };
    return table;
}

std::vector<double> computeFeatures(const CellMeasurements& m)
{
    std::vector<double> v;
    v.reserve(featureCatalog().size());
    for (const FeatureSpec& f : featureCatalog())
        v.push_back(f.compute(m));
    return v;
}

std::string featureCatalogMarkdown()
{
    std::ostringstream out;
    out << "| # | feature | unit | compartment | definition |\n|---|---|---|---|---|\n";
    int i = 1;
    for (const FeatureSpec& f : featureCatalog()) {
        out << "| " << i++ << " | `" << f.name << "` | " << f.unit << " | " << f.compartment << " | " << f.definition
            << (f.riEquivalent ? " **(RI-equivalent, flagged)**" : "") << " |\n";
    }
    return out.str();
}

} // namespace rfx
