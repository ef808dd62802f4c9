// End to end on synthetic beads: DVC + direct method recover the point forces of a well-separated
// contractile dipole. Each force is measured as the sum of nodal forces over its half of the field
// (the half-space beyond the mid-plane), which by the divergence theorem is the force inside it.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/forces/TfmPipeline.h"
#include "core/synth/BeadPairGenerator.h"
#include "tests/support/SyntheticForces.h"

using namespace rfx;

TEST_CASE("Classical TFM recovers a well-separated force dipole from synthetic beads", "[tfm]")
{
    // The default eight forces sit 3-8 µm apart on the cell, closer than a correlation window, and cannot be
    // told apart; two forces 25 µm apart in the gel can. 96x128x160 voxels of 0.4 µm (every face of the
    // node grid >= 13 µm from a force), 1 % noise, 0.04 beads/µm³ so 16-voxel windows (6.4 µm) hold ~10
    // beads, forces of 30 nN.
    for (std::uint64_t seed : {1, 2, 3}) {
        const BeadPair bp = test::dipolePair(seed);
        TfmInputs in;
        in.relaxed = std::make_shared<Volume>(bp.relaxed);
        in.stressed = std::make_shared<Volume>(bp.stressed);
        in.params.dvc.window = 16;
        const TfmResult r = runClassicalTfm(in);
        const auto half = test::dipoleHalfSums(bp, r.dvc.nodes, r.elasticity.nodalForce_pN);
        for (int k = 0; k < 2; ++k) {
            const Eigen::Vector3d& truth = bp.forces[static_cast<std::size_t>(k)].force_pN;
            const double angle = std::acos(std::clamp(half[k].normalized().dot(truth.normalized()), -1.0, 1.0)) * 57.29578;
            INFO("seed " << seed << " force " << k << ": recovered " << half[k].transpose() << " (" << half[k].norm()
                         << " pN), true " << truth.transpose() << ", angle " << angle << " deg");
            // The criterion. Measured over seeds 1-3: magnitude -9.1 % to +2.4 %, direction 1.9-9.2 deg
            // (docs/tfm.md).
            CHECK(half[k].norm() == Approx(truth.norm()).epsilon(0.15));
            CHECK(angle < 10.0);
        }
        CHECK(r.elasticity.summary.contractility_pN > 0);
    }
}
