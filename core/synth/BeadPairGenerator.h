#pragma once
// Synthetic 3D traction-force-microscopy data: a gel with fluorescent beads around an ellipsoidal
// contracting cell, imaged relaxed (no forces) and stressed (beads moved by the Kelvin displacement
// of point forces on the cell surface), with the true displacement field and forces as ground truth.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/model/Dataset.h"
#include "core/model/Volume.h"
#include "core/synth/KelvinSolution.h"
#include "core/util/Progress.h"

namespace rfx {

struct BeadPairParams {
    std::array<std::size_t, 3> shape{64, 128, 128};     // voxels (z, y, x)
    std::array<double, 3> spacing_um{0.4, 0.4, 0.4};    // (z, y, x)
    std::uint64_t seed = 1;
    // 0.02 beads/µm³: mean spacing ~3.7 µm (~9 voxels at 0.4 µm), ~40 beads per 32³-voxel window,
    // dense enough for correlation windows and still well separated (hard-core distance below).
    double beadDensity_per_um3 = 0.02;
    double beadRadius_um = 0.5;     // blob sd = 0.6 x radius (0.3 µm, ~0.75 voxel)
    double minBeadDistance_um = 0;  // 0: max(4 radius, 6 sd)
    double noise = 0.01;            // Gaussian noise sd as a fraction of the max intensity (1)
    double background = 0.02;       // constant offset (gel autofluorescence / camera offset)
    Material material;
    // Point forces on the surface of an ellipsoidal cell at the centre, pointing inward, net force 0.
    int forceCount = 8;
    // Magnitude of each default force. With E = 1 kPa, nu = 0.45 (mu = 345 Pa) a point force moves the
    // gel by u = F (4 - 4 nu) / (16 pi mu (1 - nu) r) = F / (4333 pN/µm² * r) along its line of action,
    // so 8 nN gives ~1.85 µm at r = 1 µm and ~0.6 µm at 3 µm. The eight inward forces mostly cancel far
    // away (quadrupole-like decay). Measured for the default parameters, seeds 1-6: max bead
    // displacement 0.4-1.7 µm (1-4.4 voxels of 0.4 µm), 99th percentile ~0.25 µm, median ~0.025 µm.
    double forceMagnitude_pN = 8000;
    std::array<double, 3> cellSemiAxes_um{0, 0, 0};  // (x, y, z); 0: 0.2, 0.12, 0.14 of the field extent
    std::vector<PointForce> forces;  // if non-empty, used instead of the default arrangement
};

struct BeadPair {
    Grid grid;
    Volume relaxed, stressed;  // float32 in [0,1]
    Volume displacement_um;    // float32, 3 interleaved components (x, y, z): true u at each voxel centre
    Volume cellMask;           // uint8, 1 inside the cell
    std::vector<PointForce> forces;
    Material material;
    double coreRadius_um = 0;  // regularisation used for displacement_um (see KelvinSolution.h)
    // Ground truth per bead (relaxed centre and its displacement), positions as in PointForce.
    std::vector<Eigen::Vector3d> beads_um;
    std::vector<Eigen::Vector3d> beadDisplacement_um;
    double maxBeadDisplacement_um = 0;
    // The cell: centre (x, y, z), semi-axes (x, y, z) in its own frame, rotated by cellAngle_rad about z.
    Eigen::Vector3d cellCentre_um{0, 0, 0};
    Eigen::Vector3d cellSemiAxes_um{0, 0, 0};
    double cellAngle_rad = 0;

    // True when p (µm) lies inside the cell ellipsoid inflated by margin_um along each semi-axis.
    bool insideCell(const Eigen::Vector3d& p_um, double margin_um = 0) const;
};

BeadPair generateBeadPair(const BeadPairParams& params, const ProgressFn& progress = {},
                          const CancelToken& cancel = {});

// Channels "relaxed", "stressed" (MeasuredFluorescence, "a.u."), "displacement_true" (VectorField, "µm",
// 3 components) and "cell_mask" (Labels, "label"); one frame.
DatasetPtr toDataset(const BeadPair& pair);

// "x_um,y_um,z_um,fx_pN,fy_pN,fz_pN" header and one row per force (C locale).
std::string forcesCsv(const BeadPair& pair);
// {"young_Pa": ..., "poisson": ..., "shear_Pa": ..., "lame_Pa": ..., "model": "linear_elastic_isotropic"}
std::string materialJson(const Material& material);

} // namespace rfx
