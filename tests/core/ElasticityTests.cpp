// The direct method on analytic fields: uniform strain (stress, energy, zero force density), the Kelvin
// point force (force recovered by summing nodal forces, divergence theorem), neo-Hookean small-strain
// limit, tractions on a masked sphere, and material validation.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/forces/ElasticityAnalysis.h"
#include "core/util/Errors.h"

using namespace rfx;

namespace {
Grid nodeGrid(std::array<std::size_t, 3> shape, double h)
{
    Grid g;
    g.shape = shape;
    g.spacing_um = {h, h, h};
    return g;
}

// u = G x at every node (x, y, z µm).
Volume affineField(const Grid& g, const Eigen::Matrix3d& G)
{
    Volume v = Volume::zeros<float>(g, 3);
    float* d = v.data<float>();
    for (std::size_t z = 0; z < g.shape[0]; ++z)
        for (std::size_t y = 0; y < g.shape[1]; ++y)
            for (std::size_t x = 0; x < g.shape[2]; ++x) {
                const Eigen::Vector3d u = G * Eigen::Vector3d(x * g.spacing_um[2], y * g.spacing_um[1], z * g.spacing_um[0]);
                for (int c = 0; c < 3; ++c)
                    d[3 * g.index(z, y, x) + c] = static_cast<float>(u[c]);
            }
    return v;
}

Eigen::Vector3d sumWithin(const ElasticityResult& r, const Eigen::Vector3d& centre, double radius)
{
    const Grid& g = r.grid;
    const float* f = r.nodalForce_pN.data<float>();
    Eigen::Vector3d s = Eigen::Vector3d::Zero();
    for (std::size_t z = 0; z < g.shape[0]; ++z)
        for (std::size_t y = 0; y < g.shape[1]; ++y)
            for (std::size_t x = 0; x < g.shape[2]; ++x) {
                const Eigen::Vector3d p(g.origin_um[2] + x * g.spacing_um[2], g.origin_um[1] + y * g.spacing_um[1],
                                        g.origin_um[0] + z * g.spacing_um[0]);
                if ((p - centre).norm() <= radius) {
                    const std::size_t i = g.index(z, y, x);
                    s += Eigen::Vector3d(f[3 * i], f[3 * i + 1], f[3 * i + 2]);
                }
            }
    return s;
}

double angleDeg(const Eigen::Vector3d& a, const Eigen::Vector3d& b)
{
    return std::acos(std::clamp(a.normalized().dot(b.normalized()), -1.0, 1.0)) * 180.0 / 3.14159265358979;
}
} // namespace

TEST_CASE("Uniform strain: Hooke's law, strain energy, and no force density", "[elasticity]")
{
    const Grid g = nodeGrid({6, 7, 8}, 2.0);
    Eigen::Matrix3d G;
    G << 0.010, 0.004, 0.0, 0.002, -0.005, 0.001, 0.0, 0.003, 0.002;
    ElasticityInputs in;
    in.displacement_um = std::make_shared<Volume>(affineField(g, G));
    in.params.material = {1000, 0.45};
    const ElasticityResult r = analyseElasticity(in);
    const double mu = 1000 / 2.9, lambda = 2 * mu * 0.45 / 0.1;
    const Eigen::Matrix3d eps = 0.5 * (G + G.transpose());
    const Eigen::Matrix3d sigma = lambda * eps.trace() * Eigen::Matrix3d::Identity() + 2 * mu * eps;
    const double w = 0.5 * (sigma.array() * eps.array()).sum();
    const float* W = r.strainEnergyDensity_Pa.data<float>();
    const float* f = r.forceDensity_pN_um3.data<float>();
    for (std::size_t i = 0; i < g.voxels(); ++i) {
        CHECK(W[i] == Approx(w).epsilon(1e-4));
        for (int c = 0; c < 3; ++c)
            CHECK(std::abs(f[3 * i + c]) < 1e-3);
    }
    CHECK(r.summary.strainEnergy_pJ == Approx(w * g.voxels() * 8.0 * 1e-6).epsilon(1e-4));
    CHECK(r.summary.netForce_pN.norm() < 1e-2);
}

TEST_CASE("Summed nodal forces recover a Kelvin point force (divergence theorem)", "[elasticity]")
{
    const Grid g = nodeGrid({12, 16, 20}, 3.2);
    const Material m{1000, 0.45};
    // Between nodes, so no node samples the singularity.
    const Eigen::Vector3d c(9.5 * 3.2, 7.5 * 3.2, 5.5 * 3.2), F(3000, -1000, 2000);
    ElasticityInputs in;
    in.displacement_um = std::make_shared<Volume>(kelvinFieldOnGrid(g, {{c, F}}, m, 0.0));
    in.params.material = m;
    const ElasticityResult r = analyseElasticity(in);
    for (double radius : {3.0, 4.0}) {  // in node spacings; measured 1.5 % and 0.8 % off
        const Eigen::Vector3d s = sumWithin(r, c, radius * 3.2);
        INFO("radius " << radius << " recovered " << s.transpose());
        CHECK(s.norm() == Approx(F.norm()).epsilon(0.03));
        CHECK(angleDeg(s, F) < 1.0);
    }
    // Summed over every node it is the net force; one-sided differences at the borders make this the
    // coarsest of the sums (measured 16 % off).
    CHECK((r.summary.netForce_pN - F).norm() < 0.2 * F.norm());
    // Force lines all pass through the source, so the epicentre is the source.
    CHECK((forceEpicentre({c + Eigen::Vector3d(5, 0, 0), c + Eigen::Vector3d(0, 4, 1)},
                          {Eigen::Vector3d(-1, 0, 0), Eigen::Vector3d(0, -4, -1)}) - c).norm() < 1e-9);
}

TEST_CASE("A contractile force pair gives positive contractility and a small net force", "[elasticity]")
{
    const Grid g = nodeGrid({12, 12, 24}, 3.2);
    const Material m{1000, 0.45};
    const Eigen::Vector3d a(6.5 * 3.2, 5.5 * 3.2, 5.5 * 3.2), b(16.5 * 3.2, 5.5 * 3.2, 5.5 * 3.2);
    const Eigen::Vector3d F(5000, 0, 0);  // each force pulls towards the other
    ElasticityInputs in;
    in.displacement_um = std::make_shared<Volume>(kelvinFieldOnGrid(g, {{a, F}, {b, -F}}, m, 0.0));
    in.params.material = m;
    const ElasticityResult r = analyseElasticity(in);
    // Every node counts, including the border nodes where the truncated field ends (measured +20 %).
    CHECK(r.summary.contractility_pN == Approx(2 * F.norm()).epsilon(0.25));
    CHECK(r.summary.netForceRatio < 0.1);
    CHECK(r.summary.centre_um.x() == Approx(0.5 * (a.x() + b.x())).margin(1.0));
    const Eigen::Vector3d left = sumWithin(r, a, 4 * 3.2);
    CHECK(left.norm() == Approx(F.norm()).epsilon(0.05));
    CHECK(angleDeg(left, F) < 2.0);
}

TEST_CASE("Neo-Hookean stress matches linear elasticity for small strains and differs for large ones", "[elasticity]")
{
    const Grid g = nodeGrid({4, 4, 4}, 1.0);
    auto energy = [&](double e, StressModel model) {
        Eigen::Matrix3d G = Eigen::Matrix3d::Zero();
        G(0, 0) = e;
        G(0, 1) = 0.5 * e;
        ElasticityInputs in;
        in.displacement_um = std::make_shared<Volume>(affineField(g, G));
        in.params.material = {2000, 0.3};
        in.params.model = model;
        return analyseElasticity(in).strainEnergyDensity_Pa.data<float>()[0];
    };
    CHECK(energy(1e-3, StressModel::NeoHookean) == Approx(energy(1e-3, StressModel::LinearElastic)).epsilon(0.01));
    CHECK(std::abs(energy(0.3, StressModel::NeoHookean) / energy(0.3, StressModel::LinearElastic) - 1) > 0.05);
}

TEST_CASE("Tractions on a masked sphere under uniform stress are sigma n with radial n", "[elasticity]")
{
    const Grid g = nodeGrid({16, 16, 16}, 1.0);
    Eigen::Matrix3d G = Eigen::Matrix3d::Zero();
    G(0, 0) = G(1, 1) = G(2, 2) = -0.01;  // uniform compression: sigma = -p I, traction = -p n
    Grid img = g;
    Volume mask = Volume::zeros<std::uint8_t>(img);
    const Eigen::Vector3d c(7.5, 7.5, 7.5);
    for (std::size_t z = 0; z < 16; ++z)
        for (std::size_t y = 0; y < 16; ++y)
            for (std::size_t x = 0; x < 16; ++x)
                if ((Eigen::Vector3d(x, y, z) - c).norm() < 4.0)
                    mask.at<std::uint8_t>(z, y, x) = 1;
    ElasticityInputs in;
    in.displacement_um = std::make_shared<Volume>(affineField(g, G));
    in.cellMask = std::make_shared<Volume>(mask);
    in.params.material = {1000, 0.45};
    const ElasticityResult r = analyseElasticity(in);
    const double mu = 1000 / 2.9, lambda = 2 * mu * 0.45 / 0.1, p = -(3 * lambda + 2 * mu) * 0.01;
    REQUIRE(r.summary.surfaceNodes > 20);
    CHECK(r.summary.centreFromMask);
    CHECK((r.summary.centre_um - c).norm() < 1e-6);
    CHECK(r.summary.meanTraction_Pa == Approx(std::abs(p)).epsilon(1e-3));
    const float* t = r.traction_Pa.data<float>();
    const std::uint8_t* s = r.surface.data<std::uint8_t>();
    for (std::size_t z = 0; z < 16; ++z)
        for (std::size_t y = 0; y < 16; ++y)
            for (std::size_t x = 0; x < 16; ++x) {
                const std::size_t i = g.index(z, y, x);
                if (!s[i])
                    continue;
                const Eigen::Vector3d tr(t[3 * i], t[3 * i + 1], t[3 * i + 2]);
                const Eigen::Vector3d radial = Eigen::Vector3d(x, y, z) - c;
                CHECK(angleDeg(tr * (p < 0 ? -1.0 : 1.0), radial) < 30.0);  // staircase normals
            }
}

TEST_CASE("Elasticity refuses invalid materials", "[elasticity]")
{
    const Grid g = nodeGrid({4, 4, 4}, 1.0);
    ElasticityInputs in;
    in.displacement_um = std::make_shared<Volume>(affineField(g, Eigen::Matrix3d::Zero()));
    for (const Material& m : {Material{0, 0.3}, Material{-5, 0.3}, Material{1000, 0.5}, Material{1000, -1.0}}) {
        in.params.material = m;
        CHECK_THROWS_AS(analyseElasticity(in), InputError);
    }
    in.params.material = {1000, 0.3};
    in.displacement_um = std::make_shared<Volume>(Volume::zeros<float>(g, 1));
    CHECK_THROWS_AS(analyseElasticity(in), InputError);
}
