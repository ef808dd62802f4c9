#include "core/synth/KelvinSolution.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/util/Errors.h"

namespace rfx {

namespace {
constexpr double kPi = 3.14159265358979323846;

double prefactor(const Material& m) { return 1.0 / (16.0 * kPi * m.shear() * (1.0 - m.poisson)); }
} // namespace

double Material::lame() const
{
    if (poisson >= 0.5)
        return std::numeric_limits<double>::infinity();
    return 2.0 * shear() * poisson / (1.0 - 2.0 * poisson);
}

void Material::validate() const
{
    if (!(young_Pa > 0) || !std::isfinite(young_Pa))
        throw InputError("material: Young's modulus must be positive (Pa)");
    if (!(poisson > -1.0 && poisson <= 0.5))
        throw InputError("material: Poisson ratio must be in (-1, 0.5]");
}

Eigen::Matrix3d kelvinTensor(const Eigen::Vector3d& r, const Material& m)
{
    const double rn = r.norm();
    if (rn == 0.0)
        return Eigen::Matrix3d::Constant(std::numeric_limits<double>::infinity());
    const Eigen::Vector3d n = r / rn;
    return (prefactor(m) / rn) * ((3.0 - 4.0 * m.poisson) * Eigen::Matrix3d::Identity() + n * n.transpose());
}

Eigen::Vector3d kelvinDisplacement(const Eigen::Vector3d& r, const Eigen::Vector3d& F, const Material& m)
{
    const double rn = r.norm();
    if (rn == 0.0)
        return Eigen::Vector3d::Constant(std::numeric_limits<double>::infinity());
    const Eigen::Vector3d n = r / rn;
    return (prefactor(m) / rn) * ((3.0 - 4.0 * m.poisson) * F + n * n.dot(F));
}

Eigen::Vector3d kelvinDisplacementRegularised(const Eigen::Vector3d& r, const Eigen::Vector3d& F, const Material& m,
                                              double core)
{
    const double rn = r.norm();
    if (rn >= core && rn > 0.0)
        return kelvinDisplacement(r, F, m);
    const double re = std::max(core, std::numeric_limits<double>::min());
    Eigen::Vector3d dirTerm = F / 3.0;
    if (rn > 0.0) {
        const Eigen::Vector3d dir = r / rn;
        dirTerm = dir * dir.dot(F);
    }
    return (prefactor(m) / re) * ((3.0 - 4.0 * m.poisson) * F + dirTerm);
}

Eigen::Vector3d kelvinField(const Eigen::Vector3d& x, const std::vector<PointForce>& forces, const Material& m,
                            double core)
{
    Eigen::Vector3d u = Eigen::Vector3d::Zero();
    for (const auto& f : forces)
        u += core > 0 ? kelvinDisplacementRegularised(x - f.position_um, f.force_pN, m, core)
                      : kelvinDisplacement(x - f.position_um, f.force_pN, m);
    return u;
}

double defaultCoreRadius(const Grid& g)
{
    return 0.5 * std::min({g.spacing_um[0], g.spacing_um[1], g.spacing_um[2]});
}

Volume kelvinFieldOnGrid(const Grid& grid, const std::vector<PointForce>& forces, const Material& m, double core,
                         const ProgressFn& progress, const CancelToken& cancel)
{
    m.validate();
    checkAllocatable(grid.shape, VoxelType::Float32, 3, "displacement field");
    Volume out = Volume::zeros<float>(grid, 3);
    float* u = out.data<float>();
    const std::size_t NZ = grid.shape[0], NY = grid.shape[1], NX = grid.shape[2];
    for (std::size_t z = 0; z < NZ; ++z) {
        cancel.check();
        if (progress && (z % 8 == 0))
            progress(static_cast<double>(z) / NZ, "displacement field");
        for (std::size_t y = 0; y < NY; ++y)
            for (std::size_t x = 0; x < NX; ++x) {
                const Eigen::Vector3d p(grid.origin_um[2] + x * grid.spacing_um[2],
                                        grid.origin_um[1] + y * grid.spacing_um[1],
                                        grid.origin_um[0] + z * grid.spacing_um[0]);
                const Eigen::Vector3d v = kelvinField(p, forces, m, core);
                float* o = u + 3 * grid.index(z, y, x);
                o[0] = static_cast<float>(v.x());
                o[1] = static_cast<float>(v.y());
                o[2] = static_cast<float>(v.z());
            }
    }
    if (progress)
        progress(1.0, "displacement field");
    return out;
}

} // namespace rfx
