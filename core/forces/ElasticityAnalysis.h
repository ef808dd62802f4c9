#pragma once
// From a displacement field on a regular node grid to strain, stress, strain energy, force density,
// nodal forces, tractions on a cell surface and a per-cell summary (the direct method of 3D traction
// force microscopy; docs/tfm.md). Units: displacements and positions in µm, moduli and stresses in
// Pa = pN/µm², force density in pN/µm³, nodal forces in pN, strain energy density in Pa (= J/m³ =
// aJ/µm³), strain energy in pJ.
#include <cstddef>

#include <Eigen/Core>

#include "core/model/Volume.h"
#include "core/synth/KelvinSolution.h"
#include "core/util/Progress.h"

namespace rfx {

enum class StressModel {
    LinearElastic,  // sigma = lambda tr(eps) I + 2 mu eps, eps = sym(grad u)
    NeoHookean,     // compressible: sigma = mu/J (B - I) + lambda ln J / J I, F = I + grad u, B = F F^T
};

struct ElasticityParams {
    Material material;                 // E > 0, -1 < nu < 0.5
    StressModel model = StressModel::LinearElastic;
    double smoothingSigma_nodes = 0;   // Gaussian pre-smoothing of u (0: none); spreads each force over ~2 sigma
};

struct ElasticityInputs {
    VolumePtr displacement_um;  // float32, 3 components (x, y, z), on a regular node grid (its Grid)
    // Optional cell mask on any grid in the same frame (non-zero = cell), e.g. the image voxel grid.
    VolumePtr cellMask;
    ElasticityParams params;
};

struct CellForceSummary {
    Eigen::Vector3d centre_um{0, 0, 0};  // (x, y, z): mask centroid, else the force epicentre
    bool centreFromMask = false;
    double contractility_pN = 0;   // sum of nodal forces projected on the direction towards the centre
    double totalForce_pN = 0;      // sum of |nodal force|
    Eigen::Vector3d netForce_pN{0, 0, 0};
    double netForceRatio = 0;      // |net| / total: near 0 for a cell in equilibrium with its gel
    double strainEnergy_pJ = 0;    // integral of the strain energy density
    double maxDisplacement_um = 0;
    double meanTraction_Pa = 0;    // mean |sigma n| over the cell-surface nodes (mask only)
    double maxTraction_Pa = 0;
    std::size_t summaryNodes = 0;  // nodes summed (all of the grid)
    std::size_t surfaceNodes = 0;
};

struct ElasticityResult {
    Grid grid;                   // the node grid
    Volume displacement_um;      // as used (after optional smoothing)
    Volume strainEnergyDensity_Pa;
    Volume forceDensity_pN_um3;  // f = -div sigma, 3 components
    Volume nodalForce_pN;        // f x node volume: sums over a region give the force on that region
    Volume traction_Pa;          // sigma n on the gel side of the cell surface, 0 elsewhere (mask only)
    Volume surface;              // uint8: 1 at the surface nodes (mask only)
    std::size_t invertedNodes = 0;  // neo-Hookean: nodes with det F <= 0 (stress set to 0 there)
    CellForceSummary summary;
};

// Throws InputError for an invalid material or a displacement that is not a 3-component field.
ElasticityResult analyseElasticity(const ElasticityInputs& inputs, const ProgressFn& progress = {},
                                   const CancelToken& cancel = {});

// Point on which the force lines converge: minimises sum |F_i x (c - x_i)|² (weights |F_i|², so strong
// forces dominate). Positions and forces (x, y, z). Returns the mean position when the system is singular.
Eigen::Vector3d forceEpicentre(const std::vector<Eigen::Vector3d>& positions, const std::vector<Eigen::Vector3d>& forces);

} // namespace rfx
