#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "core/synth/BeadPairGenerator.h"

using namespace rfx;

namespace {
BeadPairParams smallBeads(std::uint64_t seed)
{
    BeadPairParams p;
    p.shape = {24, 40, 48};
    p.seed = seed;
    return p;
}

bool sameBytes(const Volume& a, const Volume& b)
{
    return a.bytes() == b.bytes() && std::memcmp(a.raw(), b.raw(), a.bytes()) == 0;
}

// The default arrangement, noise-free, generated once for the tests below.
const BeadPair& cleanDefault()
{
    static const BeadPair bp = [] {
        BeadPairParams p;
        p.noise = 0;
        p.background = 0;
        return generateBeadPair(p);
    }();
    return bp;
}

// Intensity-weighted centroid (x, y, z µm) within radius of c.
Eigen::Vector3d centroid(const Volume& v, const Eigen::Vector3d& c, double radius)
{
    const Grid& g = v.grid();
    const float* d = v.data<float>();
    Eigen::Vector3d s = Eigen::Vector3d::Zero();
    double w = 0;
    for (std::size_t z = 0; z < g.shape[0]; ++z)
        for (std::size_t y = 0; y < g.shape[1]; ++y)
            for (std::size_t x = 0; x < g.shape[2]; ++x) {
                const Eigen::Vector3d p(x * g.spacing_um[2], y * g.spacing_um[1], z * g.spacing_um[0]);
                if ((p - c).norm() > radius)
                    continue;
                const double i = d[g.index(z, y, x)];
                s += i * p;
                w += i;
            }
    return s / w;
}
} // namespace

TEST_CASE("Synthetic bead pairs are deterministic per seed", "[synth]")
{
    const BeadPair a = generateBeadPair(smallBeads(3));
    const BeadPair b = generateBeadPair(smallBeads(3));
    const BeadPair c = generateBeadPair(smallBeads(4));
    CHECK(sameBytes(a.relaxed, b.relaxed));
    CHECK(sameBytes(a.stressed, b.stressed));
    CHECK(sameBytes(a.displacement_um, b.displacement_um));
    CHECK(sameBytes(a.cellMask, b.cellMask));
    CHECK_FALSE(sameBytes(a.relaxed, c.relaxed));
    CHECK(a.relaxed.range().first >= 0.0);
    CHECK(a.stressed.range().second <= 1.0);
    CHECK(a.relaxed.type() == VoxelType::Float32);
    CHECK(a.displacement_um.components() == 3);
    CHECK(a.cellMask.type() == VoxelType::UInt8);
}

TEST_CASE("The default force arrangement is balanced and moves beads a few voxels", "[synth]")
{
    const BeadPair& bp = cleanDefault();
    REQUIRE(bp.forces.size() == 8);
    Eigen::Vector3d net = Eigen::Vector3d::Zero();
    double total = 0;
    for (const auto& f : bp.forces) {
        net += f.force_pN;
        total += f.force_pN.norm();
        // On the cell surface, pointing inwards.
        const Eigen::Vector3d d = f.position_um - bp.cellCentre_um;
        CHECK(bp.insideCell(f.position_um, 1e-6));
        CHECK_FALSE(bp.insideCell(f.position_um, -1e-3));
        CHECK(f.force_pN.dot(d) < 0);
    }
    CHECK(net.norm() < 1e-9 * total);
    const double voxel = 0.4;
    CHECK(bp.maxBeadDisplacement_um > 0.5 * voxel);
    CHECK(bp.maxBeadDisplacement_um < 6 * voxel);
    // Far from the cell the gel barely moves.
    const float* u = bp.displacement_um.data<float>();
    CHECK(std::abs(u[0]) + std::abs(u[1]) + std::abs(u[2]) < 0.1 * voxel);
}

TEST_CASE("Beads sit in the gel, not inside the cell", "[synth]")
{
    const BeadPair& bp = cleanDefault();
    REQUIRE(bp.beads_um.size() > 500);
    std::size_t inside = 0;
    for (const auto& b : bp.beads_um)
        if (bp.insideCell(b, 0.99 * 0.5))
            ++inside;
    CHECK(inside == 0);
    // The mask marks the ellipsoid and the relaxed image is dark at the cell centre.
    const Grid& g = bp.grid;
    const std::size_t cz = g.shape[0] / 2, cy = g.shape[1] / 2, cx = g.shape[2] / 2;
    CHECK(bp.cellMask.at<std::uint8_t>(cz, cy, cx) == 1);
    CHECK(bp.cellMask.at<std::uint8_t>(0, 0, 0) == 0);
    CHECK(bp.relaxed.at<float>(cz, cy, cx) < 1e-3f);
}

TEST_CASE("The stressed image is the relaxed one with beads moved by the true displacement", "[synth]")
{
    const BeadPair& bp = cleanDefault();
    const Grid& g = bp.grid;
    const Eigen::Vector3d L((g.shape[2] - 1) * 0.4, (g.shape[1] - 1) * 0.4, (g.shape[0] - 1) * 0.4);
    // The most displaced bead that is isolated (in both images) and well inside the field.
    int best = -1;
    for (std::size_t i = 0; i < bp.beads_um.size(); ++i) {
        const Eigen::Vector3d p = bp.beads_um[i], u = bp.beadDisplacement_um[i];
        const double win = u.norm() + 1.5;
        if ((p.array() < win + 1).any() || (p.array() > L.array() - win - 1).any())
            continue;
        bool isolated = true;
        for (std::size_t j = 0; j < bp.beads_um.size() && isolated; ++j)
            if (j != i && ((bp.beads_um[j] - p).norm() < win + 1.5 ||
                           (bp.beads_um[j] + bp.beadDisplacement_um[j] - p).norm() < win + 1.5))
                isolated = false;
        if (isolated && (best < 0 || u.norm() > bp.beadDisplacement_um[best].norm()))
            best = static_cast<int>(i);
    }
    REQUIRE(best >= 0);
    const Eigen::Vector3d p = bp.beads_um[best], u = bp.beadDisplacement_um[best];
    INFO("bead " << p.transpose() << " displacement " << u.transpose());
    CHECK(u.norm() > 0.2);  // half a voxel or more: the check is not trivial
    const double win = u.norm() + 1.5;
    const Eigen::Vector3d c0 = centroid(bp.relaxed, p, win), c1 = centroid(bp.stressed, p, win);
    CHECK((c0 - p).norm() < 0.1 * 0.4);
    CHECK((c1 - c0 - u).norm() < 0.1 * 0.4);
    // The bead's displacement is the gel's (Kelvin) displacement at its relaxed position, and the
    // grid field holds the same solution at voxel centres.
    CHECK((kelvinField(p, bp.forces, bp.material, bp.coreRadius_um) - u).norm() < 1e-12);
    const std::size_t z = 10, y = 40, x = 70;
    const Eigen::Vector3d q(x * 0.4, y * 0.4, z * 0.4);
    const Eigen::Vector3d e = kelvinField(q, bp.forces, bp.material, bp.coreRadius_um);
    const float* d = bp.displacement_um.data<float>() + 3 * g.index(z, y, x);
    CHECK((Eigen::Vector3d(d[0], d[1], d[2]) - e).norm() < 1e-6);
}

TEST_CASE("Bead pairs accept explicit forces and export ground truth", "[synth]")
{
    BeadPairParams p = smallBeads(1);
    p.forces = {{{5.0, 6.0, 4.0}, {0, 0, 300}}, {{12.0, 6.0, 4.0}, {0, 0, -300}}};
    p.material.young_Pa = 2000;
    const BeadPair bp = generateBeadPair(p);
    REQUIRE(bp.forces.size() == 2);
    CHECK(bp.forces[1].force_pN.z() == -300);
    CHECK(bp.material.young_Pa == 2000);
    const std::string csv = forcesCsv(bp);
    CHECK(csv.rfind("x_um,y_um,z_um,fx_pN,fy_pN,fz_pN\n", 0) == 0);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 3);
    CHECK(csv.find("12,6,4,0,0,-300") != std::string::npos);
    const std::string json = materialJson(bp.material);
    CHECK(json.find("\"young_Pa\": 2000") != std::string::npos);
    CHECK(json.find("\"poisson\": 0.45") != std::string::npos);
    Material inc;
    inc.poisson = 0.5;
    CHECK(materialJson(inc).find("\"lame_Pa\": null") != std::string::npos);

    const DatasetPtr ds = toDataset(bp);
    REQUIRE(ds->channelCount() == 4);
    CHECK(ds->channel(0).name == "relaxed");
    CHECK(ds->channel(1).role == ChannelRole::MeasuredFluorescence);
    CHECK(ds->channel(2).name == "displacement_true");
    CHECK(ds->channel(2).role == ChannelRole::VectorField);
    CHECK(ds->channel(2).components == 3);
    CHECK(ds->channel(2).unit == "\xC2\xB5m");
    CHECK(ds->channel(3).role == ChannelRole::Labels);
    CHECK(ds->frame(2, 0)->components() == 3);

    BeadPairParams bad = smallBeads(1);
    bad.material.poisson = 0.7;
    CHECK_THROWS_AS(generateBeadPair(bad), InputError);
}
