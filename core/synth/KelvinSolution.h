#pragma once
// Kelvin's solution: displacement of an infinite isotropic linear elastic medium under point forces
// (science.md). Units: forces in pN, moduli in Pa = pN/µm², positions in µm -> displacements in µm.
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/model/Grid.h"
#include "core/model/Volume.h"
#include "core/util/Progress.h"

namespace rfx {

struct PointForce {
    Eigen::Vector3d position_um{0, 0, 0};  // (x, y, z) from the centre of voxel (0,0,0)
    Eigen::Vector3d force_pN{0, 0, 0};     // (x, y, z)
};

struct Material {
    double young_Pa = 1000;
    double poisson = 0.45;
    // mu = E / (2 (1 + nu))
    double shear() const { return young_Pa / (2.0 * (1.0 + poisson)); }
    // lambda = 2 mu nu / (1 - 2 nu); +infinity for an incompressible medium (nu = 0.5).
    double lame() const;
    // Throws InputError unless E > 0 and -1 < nu <= 0.5.
    void validate() const;
};

// Green's tensor G (u = G F) at offset r from the force: G_ij = [(3-4nu) d_ij + r_i r_j / r²] / (16 pi mu (1-nu) r).
// Singular at r = 0 (returns +inf entries there).
Eigen::Matrix3d kelvinTensor(const Eigen::Vector3d& r_um, const Material& material);

// u(r) for a point force F at the origin (exact, singular at r = 0).
Eigen::Vector3d kelvinDisplacement(const Eigen::Vector3d& r_um, const Eigen::Vector3d& F_pN, const Material& material);

// Regularised for sampling on grids: 1/r is replaced by 1/max(r, coreRadius) while the direction
// term r_i r_j / r² is kept (and replaced by its angular mean d_ij / 3 at r = 0). Equal to the exact
// solution for r >= coreRadius, bounded and continuous in |r| inside it.
Eigen::Vector3d kelvinDisplacementRegularised(const Eigen::Vector3d& r_um, const Eigen::Vector3d& F_pN,
                                              const Material& material, double coreRadius_um);

// Sum over forces at position x. coreRadius_um = 0 gives the exact (singular) field.
Eigen::Vector3d kelvinField(const Eigen::Vector3d& x_um, const std::vector<PointForce>& forces,
                            const Material& material, double coreRadius_um = 0.0);

// Half the smallest voxel spacing: the default core radius for grid sampling.
double defaultCoreRadius(const Grid& grid);

// The regularised field at every voxel centre of grid (position = origin + index * spacing, x along
// the last axis): float32, 3 interleaved components (x, y, z), µm.
Volume kelvinFieldOnGrid(const Grid& grid, const std::vector<PointForce>& forces, const Material& material,
                         double coreRadius_um, const ProgressFn& progress = {}, const CancelToken& cancel = {});

} // namespace rfx
