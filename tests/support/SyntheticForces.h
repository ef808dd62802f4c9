#pragma once
// Judging force microscopy on synthetic bead pairs (docs/tfm.md): the displacement error against the
// analytic Kelvin field, and the well-separated dipole whose two forces are measured as nodal-force
// sums over half-spaces.
#include <array>
#include <cstddef>
#include <cstdint>

#include "core/model/Volume.h"
#include "core/synth/BeadPairGenerator.h"

namespace rfx::test {

struct KelvinFieldError {
    std::array<double, 3> rmse_vox{0, 0, 0};  // per component (x, y, z), in voxels of the pair's grid
    double maxTrue_vox = 0;                   // largest true |u| among the judged nodes
    std::size_t nodes = 0;                    // nodes judged
};

// At the nodes more than 4 µm from the cell and from every force (no beads inside the cell, a singular
// field at the forces). displacement_um: float32, 3 components (x, y, z) on `nodes`.
KelvinFieldError kelvinFieldError(const Grid& nodes, const Volume& displacement_um, const BeadPair& pair);

// Two 30 nN forces 25.4 µm apart along (1, 0.3, 0.2), pulling towards each other, in the gel (a 1 µm
// bead-free core at the centre, no cell between them), 96x128x160 voxels of 0.4 µm, so every face of the
// field lies at least 13 µm from a force; 0.04 beads/µm³ (16-voxel windows hold ~10 beads).
BeadPair dipolePair(std::uint64_t seed, double noise = 0.01);

// The dipole's two forces as recovered: the sums of nodal forces (pN, x y z) on either side of the
// plane through its centre normal to its axis (by the divergence theorem, the force inside each half).
std::array<Eigen::Vector3d, 2> dipoleHalfSums(const BeadPair& dipole, const Grid& nodes, const Volume& nodalForce_pN);

} // namespace rfx::test
