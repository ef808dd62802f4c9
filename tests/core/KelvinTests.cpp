#include <catch2/catch.hpp>

#include <cmath>

#include "core/synth/KelvinSolution.h"
#include "core/util/Errors.h"

using namespace rfx;

namespace {
Material mat(double E, double nu)
{
    Material m;
    m.young_Pa = E;
    m.poisson = nu;
    return m;
}

// Central-difference Jacobian J(i, j) = d u_i / d x_j.
template <class Fn> Eigen::Matrix3d jacobian(Fn u, const Eigen::Vector3d& x, double h)
{
    Eigen::Matrix3d J;
    for (int j = 0; j < 3; ++j) {
        const Eigen::Vector3d e = h * Eigen::Vector3d::Unit(j);
        J.col(j) = (u(x + e) - u(x - e)) / (2 * h);
    }
    return J;
}
} // namespace

TEST_CASE("Kelvin solution matches independent reference values", "[kelvin]")
{
    // From tests/tools/check_kelvin.py (numpy, written separately).
    const Eigen::Vector3d u1 = kelvinDisplacement({1.0, -0.5, 2.0}, {100, 200, -300}, mat(1000, 0.45));
    CHECK(u1.x() == Approx(2.616060314707e-04).epsilon(1e-10));
    CHECK(u1.y() == Approx(1.360351363648e-02).epsilon(1e-10));
    CHECK(u1.z() == Approx(-2.694542124148e-02).epsilon(1e-10));
    const Eigen::Vector3d u2 = kelvinDisplacement({0.3, 0.4, -1.2}, {-50, 10, 80}, mat(2500, 0.3));
    CHECK(u2.x() == Approx(-2.478135293113e-03).epsilon(1e-10));
    CHECK(u2.y() == Approx(-1.665543698629e-04).epsilon(1e-10));
    CHECK(u2.z() == Approx(5.001474357045e-03).epsilon(1e-10));
    const Eigen::Vector3d u3 = kelvinDisplacement({2, 0, 0}, {1000, 0, 0}, mat(1000, 0.5));
    CHECK(u3.x() == Approx(1.193662073189e-01).epsilon(1e-10));
    CHECK(u3.y() == 0.0);
}

TEST_CASE("Kelvin solution: symmetry, 1/r decay and linearity", "[kelvin]")
{
    const Material m = mat(1000, 0.45);
    const Eigen::Vector3d F(120, -40, 75), x(0.8, 1.3, -0.6);
    // Point symmetry u(-x) = u(x), and the Green's tensor is symmetric.
    CHECK((kelvinDisplacement(-x, F, m) - kelvinDisplacement(x, F, m)).norm() < 1e-15);
    const Eigen::Matrix3d G = kelvinTensor(x, m);
    CHECK((G - G.transpose()).norm() < 1e-15);
    CHECK((G * F - kelvinDisplacement(x, F, m)).norm() < 1e-15);
    // Rotational symmetry about the force axis.
    const Eigen::Vector3d fz(0, 0, 500);
    const Eigen::Vector3d a = kelvinDisplacement({1, 0, 0.5}, fz, m), b = kelvinDisplacement({0, 1, 0.5}, fz, m);
    CHECK(a.z() == Approx(b.z()));
    CHECK(a.x() == Approx(b.y()));
    // 1/r decay along any ray.
    for (double k : {2.0, 5.0, 17.0})
        CHECK((kelvinDisplacement(k * x, F, m) * k - kelvinDisplacement(x, F, m)).norm() < 1e-14);
    // Linear in F; superposition of forces.
    const Eigen::Vector3d F2(-3, 8, 1);
    CHECK((kelvinDisplacement(x, 2.5 * F + F2, m) - 2.5 * kelvinDisplacement(x, F, m) -
           kelvinDisplacement(x, F2, m)).norm() < 1e-14);
    const std::vector<PointForce> forces{{{1, 0, 0}, F}, {{-1, 2, 0}, F2}};
    const Eigen::Vector3d p(0.5, 0.5, 0.5);
    CHECK((kelvinField(p, forces, m) - kelvinDisplacement(p - forces[0].position_um, F, m) -
           kelvinDisplacement(p - forces[1].position_um, F2, m)).norm() < 1e-15);
    // Along the force the displacement is F (4 - 4 nu) / (16 pi mu (1 - nu) r) = F / (4 pi mu r).
    const Eigen::Vector3d along = kelvinDisplacement({0, 0, 2}, fz, m);
    CHECK(along.z() == Approx(500.0 / (4 * M_PI * m.shear() * 2)));
    CHECK(m.shear() == Approx(1000 / 2.9));
    CHECK(m.lame() == Approx(2 * m.shear() * 0.45 / 0.1));
}

TEST_CASE("Kelvin solution: incompressible limit", "[kelvin]")
{
    const Eigen::Vector3d F(30, -20, 50), x(1.0, 0.7, -0.4);
    // nu = 0.5 is the Stokeslet form u = (F + n (n.F)) / (8 pi mu r); nu -> 0.5 is continuous.
    const Material inc = mat(1000, 0.5);
    const double r = x.norm();
    const Eigen::Vector3d n = x / r;
    const Eigen::Vector3d stokes = (F + n * n.dot(F)) / (8 * M_PI * inc.shear() * r);
    CHECK((kelvinDisplacement(x, F, inc) - stokes).norm() < 1e-15);
    CHECK((kelvinDisplacement(x, F, mat(1000, 0.49999)) - stokes).norm() < 1e-4 * stokes.norm());
    CHECK(std::isinf(inc.lame()));
    // Divergence-free (finite differences).
    auto u = [&](const Eigen::Vector3d& p) { return kelvinDisplacement(p, F, inc); };
    const Eigen::Matrix3d J = jacobian(u, x, 1e-4);
    CHECK(std::abs(J.trace()) < 1e-7 * J.cwiseAbs().maxCoeff());
    // Compressible media are not divergence-free.
    auto uc = [&](const Eigen::Vector3d& p) { return kelvinDisplacement(p, F, mat(1000, 0.3)); };
    const Eigen::Matrix3d Jc = jacobian(uc, x, 1e-4);
    CHECK(std::abs(Jc.trace()) > 1e-2 * Jc.cwiseAbs().maxCoeff());
}

TEST_CASE("Kelvin solution satisfies the Navier equation away from the force", "[kelvin]")
{
    const Material m = mat(1000, 0.3);
    const double mu = m.shear(), lam = m.lame();
    const Eigen::Vector3d F(30, -20, 50);
    auto u = [&](const Eigen::Vector3d& p) { return kelvinDisplacement(p, F, m); };
    auto div = [&](const Eigen::Vector3d& p) { return jacobian(u, p, 1e-3).trace(); };
    for (const Eigen::Vector3d& x : {Eigen::Vector3d(1.0, 0.7, -0.4), Eigen::Vector3d(-2.0, 0.3, 1.5)}) {
        const double h = 1e-3;
        Eigen::Vector3d lap = Eigen::Vector3d::Zero(), gdiv;
        for (int j = 0; j < 3; ++j) {
            const Eigen::Vector3d e = h * Eigen::Vector3d::Unit(j);
            lap += (u(x + e) - 2 * u(x) + u(x - e)) / (h * h);
            gdiv[j] = (div(x + e) - div(x - e)) / (2 * h);
        }
        const Eigen::Vector3d residual = mu * lap + (lam + mu) * gdiv;
        INFO("residual " << residual.transpose() << " vs mu lap " << (mu * lap).transpose());
        CHECK(residual.cwiseAbs().maxCoeff() < 1e-4 * (mu * lap).cwiseAbs().maxCoeff());
        CHECK((mu * lap).norm() > 0.1);  // the terms themselves are not trivially zero
    }
}

TEST_CASE("Regularised Kelvin field is bounded at the core and exact outside", "[kelvin]")
{
    const Material m = mat(1000, 0.45);
    const Eigen::Vector3d F(0, 0, 100);
    const double core = 0.1;
    const Eigen::Vector3d out(0.3, 0.1, 0.2);
    CHECK((kelvinDisplacementRegularised(out, F, m, core) - kelvinDisplacement(out, F, m)).norm() == 0.0);
    const Eigen::Vector3d u0 = kelvinDisplacementRegularised({0, 0, 0}, F, m, core);
    CHECK(std::isfinite(u0.z()));
    CHECK(u0.z() > 0);
    // Continuous in |r| at the core radius along a ray.
    const Eigen::Vector3d dir = Eigen::Vector3d(1, 2, 2).normalized();
    CHECK((kelvinDisplacementRegularised(dir * (core * 0.999), F, m, core) -
           kelvinDisplacementRegularised(dir * (core * 1.001), F, m, core)).norm() <
          1e-2 * kelvinDisplacement(dir * core, F, m).norm());
    CHECK((kelvinDisplacementRegularised(dir * 0.01, F, m, core) - kelvinDisplacement(dir * core, F, m)).norm() <
          1e-12);
    CHECK(std::isinf(kelvinDisplacement({0, 0, 0}, F, m).z()));

    Grid g;
    g.shape = {4, 5, 6};
    g.spacing_um = {0.4, 0.3, 0.2};
    CHECK(defaultCoreRadius(g) == Approx(0.1));
    const std::vector<PointForce> forces{{{0.4, 0.6, 0.8}, {10, -5, 20}}};
    const Volume v = kelvinFieldOnGrid(g, forces, m, defaultCoreRadius(g));
    REQUIRE(v.components() == 3);
    const float* d = v.data<float>();
    const Eigen::Vector3d p(3 * 0.2, 1 * 0.3, 2 * 0.4);  // voxel (z=2, y=1, x=3)
    const Eigen::Vector3d e = kelvinField(p, forces, m, 0.1);
    const float* o = d + 3 * g.index(2, 1, 3);
    CHECK(o[0] == Approx(e.x()).epsilon(1e-6));
    CHECK(o[1] == Approx(e.y()).epsilon(1e-6));
    CHECK(o[2] == Approx(e.z()).epsilon(1e-6));
    CHECK(v.nonFiniteCount() == 0);  // the force sits on voxel (2, 2, 2): regularised there
}

TEST_CASE("Material validation", "[kelvin]")
{
    CHECK_NOTHROW(mat(1000, 0.5).validate());
    CHECK_THROWS_AS(mat(0, 0.3).validate(), InputError);
    CHECK_THROWS_AS(mat(1000, 0.51).validate(), InputError);
    CHECK_THROWS_AS(mat(1000, -1.0).validate(), InputError);
}
