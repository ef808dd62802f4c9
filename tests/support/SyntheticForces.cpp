#include "tests/support/SyntheticForces.h"

#include <algorithm>
#include <cmath>

#include "core/synth/KelvinSolution.h"

namespace rfx::test {

KelvinFieldError kelvinFieldError(const Grid& g, const Volume& displacement_um, const BeadPair& bp)
{
    const float* u = displacement_um.data<float>();
    KelvinFieldError e;
    double se[3] = {0, 0, 0};
    for (std::size_t z = 0; z < g.shape[0]; ++z)
        for (std::size_t y = 0; y < g.shape[1]; ++y)
            for (std::size_t x = 0; x < g.shape[2]; ++x) {
                const Eigen::Vector3d pos(g.origin_um[2] + x * g.spacing_um[2], g.origin_um[1] + y * g.spacing_um[1],
                                          g.origin_um[0] + z * g.spacing_um[0]);
                bool near = bp.insideCell(pos, 4.0);
                for (const auto& f : bp.forces)
                    near = near || (f.position_um - pos).norm() < 4.0;
                if (near)
                    continue;
                const Eigen::Vector3d t = kelvinField(pos, bp.forces, bp.material, bp.coreRadius_um);
                e.maxTrue_vox = std::max(e.maxTrue_vox, t.norm() / bp.grid.spacing_um[2]);
                const std::size_t i = g.index(z, y, x);
                for (int c = 0; c < 3; ++c)  // component c = x, y, z lies along axis 2 - c
                    se[c] += std::pow((u[3 * i + c] - t[c]) / bp.grid.spacing_um[2 - c], 2);
                ++e.nodes;
            }
    for (int c = 0; c < 3; ++c)
        e.rmse_vox[c] = e.nodes ? std::sqrt(se[c] / double(e.nodes)) : 0.0;
    return e;
}

namespace {
Eigen::Vector3d dipoleCentre(const BeadPair& bp)
{
    return 0.5 * (bp.forces[0].position_um + bp.forces[1].position_um);
}
} // namespace

BeadPair dipolePair(std::uint64_t seed, double noise)
{
    BeadPairParams p;
    p.shape = {96, 128, 160};
    p.seed = seed;
    p.noise = noise;
    p.beadDensity_per_um3 = 0.04;
    // A bead-free cell between the forces would cut the surface through which each force is measured
    // (no beads, so no displacement, inside it): the forces sit in the gel, around a 1 µm bead-free core.
    p.cellSemiAxes_um = {0.5, 0.5, 0.5};
    const Eigen::Vector3d L((p.shape[2] - 1) * 0.4, (p.shape[1] - 1) * 0.4, (p.shape[0] - 1) * 0.4), c = 0.5 * L;
    const Eigen::Vector3d d = Eigen::Vector3d(1, 0.3, 0.2).normalized();
    const double sep = 25.4;
    p.forces = {{c - 0.5 * sep * d, 30000 * d}, {c + 0.5 * sep * d, -30000 * d}};
    return generateBeadPair(p);
}

std::array<Eigen::Vector3d, 2> dipoleHalfSums(const BeadPair& bp, const Grid& g, const Volume& nodalForce_pN)
{
    const Eigen::Vector3d c = dipoleCentre(bp);
    const Eigen::Vector3d d = (bp.forces[1].position_um - bp.forces[0].position_um).normalized();
    const float* f = nodalForce_pN.data<float>();
    std::array<Eigen::Vector3d, 2> half{Eigen::Vector3d::Zero(), Eigen::Vector3d::Zero()};
    for (std::size_t z = 0; z < g.shape[0]; ++z)
        for (std::size_t y = 0; y < g.shape[1]; ++y)
            for (std::size_t x = 0; x < g.shape[2]; ++x) {
                const Eigen::Vector3d pos(g.origin_um[2] + x * g.spacing_um[2], g.origin_um[1] + y * g.spacing_um[1],
                                          g.origin_um[0] + z * g.spacing_um[0]);
                const std::size_t i = g.index(z, y, x);
                half[(pos - c).dot(d) < 0 ? 0 : 1] += Eigen::Vector3d(f[3 * i], f[3 * i + 1], f[3 * i + 2]);
            }
    return half;
}

} // namespace rfx::test
