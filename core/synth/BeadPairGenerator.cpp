#include "core/synth/BeadPairGenerator.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <locale>
#include <sstream>
#include <unordered_map>

#include "core/synth/SynthRandom.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {
constexpr double kPi = 3.14159265358979323846;

Eigen::Vector3d toLocal(const BeadPair& bp, const Eigen::Vector3d& p)
{
    const Eigen::Vector3d d = p - bp.cellCentre_um;
    const double c = std::cos(bp.cellAngle_rad), s = std::sin(bp.cellAngle_rad);
    return {c * d.x() + s * d.y(), -s * d.x() + c * d.y(), d.z()};
}

// Fibonacci points on the unit sphere mapped onto the (rotated) ellipsoid, forces towards the centre,
// then the mean force removed so the arrangement is in equilibrium (net force exactly 0 for n >= 2).
std::vector<PointForce> defaultForces(const BeadPair& bp, int n, double magnitude)
{
    std::vector<PointForce> out;
    if (n <= 0)
        return out;
    const double golden = kPi * (3.0 - std::sqrt(5.0));
    const double c = std::cos(bp.cellAngle_rad), s = std::sin(bp.cellAngle_rad);
    Eigen::Vector3d sum = Eigen::Vector3d::Zero();
    for (int i = 0; i < n; ++i) {
        const double zf = 1.0 - 2.0 * (i + 0.5) / n, rxy = std::sqrt(std::max(0.0, 1 - zf * zf));
        const double phi = golden * i;
        const Eigen::Vector3d l(bp.cellSemiAxes_um.x() * rxy * std::cos(phi),
                                bp.cellSemiAxes_um.y() * rxy * std::sin(phi), bp.cellSemiAxes_um.z() * zf);
        const Eigen::Vector3d w(c * l.x() - s * l.y(), s * l.x() + c * l.y(), l.z());
        PointForce f;
        f.position_um = bp.cellCentre_um + w;
        f.force_pN = -magnitude * w.normalized();
        sum += f.force_pN;
        out.push_back(f);
    }
    if (n >= 2)
        for (auto& f : out)
            f.force_pN -= sum / n;
    return out;
}

// Spatial hash for the hard-core distance between beads.
struct BeadHash {
    double cell;
    std::unordered_map<std::int64_t, std::vector<int>> bins;
    std::int64_t key(std::int64_t x, std::int64_t y, std::int64_t z) const
    {
        return ((x + 4096) * 8192 + (y + 4096)) * 8192 + (z + 4096);
    }
    std::int64_t q(double v) const { return static_cast<std::int64_t>(std::floor(v / cell)); }
    bool free(const std::vector<Eigen::Vector3d>& pts, const Eigen::Vector3d& p, double minD) const
    {
        const auto cx = q(p.x()), cy = q(p.y()), cz = q(p.z());
        for (std::int64_t dx = -1; dx <= 1; ++dx)
            for (std::int64_t dy = -1; dy <= 1; ++dy)
                for (std::int64_t dz = -1; dz <= 1; ++dz) {
                    auto it = bins.find(key(cx + dx, cy + dy, cz + dz));
                    if (it == bins.end())
                        continue;
                    for (int j : it->second)
                        if ((pts[j] - p).squaredNorm() < minD * minD)
                            return false;
                }
        return true;
    }
    void add(const Eigen::Vector3d& p, int idx) { bins[key(q(p.x()), q(p.y()), q(p.z()))].push_back(idx); }
};

// Adds a Gaussian blob (separable, only its neighbourhood) to a float volume.
void splat(float* v, const Grid& g, const Eigen::Vector3d& c, double sigma, double amp, std::vector<double> (&w)[3],
           std::ptrdiff_t (&lo)[3])
{
    const double r = 3.5 * sigma;
    const double cz[3] = {c.z(), c.y(), c.x()};  // array-axis order
    std::ptrdiff_t hi[3];
    for (int a = 0; a < 3; ++a) {
        const double sp = g.spacing_um[a], o = g.origin_um[a];
        lo[a] = std::max<std::ptrdiff_t>(0, static_cast<std::ptrdiff_t>(std::ceil((cz[a] - r - o) / sp)));
        hi[a] = std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(g.shape[a]) - 1,
                                         static_cast<std::ptrdiff_t>(std::floor((cz[a] + r - o) / sp)));
        if (hi[a] < lo[a])
            return;
        w[a].resize(static_cast<std::size_t>(hi[a] - lo[a] + 1));
        for (std::ptrdiff_t i = lo[a]; i <= hi[a]; ++i) {
            const double d = o + i * sp - cz[a];
            w[a][static_cast<std::size_t>(i - lo[a])] = std::exp(-0.5 * d * d / (sigma * sigma));
        }
    }
    for (std::ptrdiff_t z = lo[0]; z <= hi[0]; ++z) {
        const double wz = amp * w[0][static_cast<std::size_t>(z - lo[0])];
        for (std::ptrdiff_t y = lo[1]; y <= hi[1]; ++y) {
            const double wzy = wz * w[1][static_cast<std::size_t>(y - lo[1])];
            float* row = v + g.index(static_cast<std::size_t>(z), static_cast<std::size_t>(y), 0);
            for (std::ptrdiff_t x = lo[2]; x <= hi[2]; ++x)
                row[x] += static_cast<float>(wzy * w[2][static_cast<std::size_t>(x - lo[2])]);
        }
    }
}
} // namespace

bool BeadPair::insideCell(const Eigen::Vector3d& p, double margin) const
{
    const Eigen::Vector3d l = toLocal(*this, p);
    const Eigen::Vector3d a = cellSemiAxes_um.array() + margin;
    return (l.array() / a.array()).matrix().squaredNorm() <= 1.0;
}

BeadPair generateBeadPair(const BeadPairParams& p, const ProgressFn& progress, const CancelToken& cancel)
{
    for (int a = 0; a < 3; ++a) {
        if (p.shape[a] == 0)
            throw InputError("synthetic beads: empty shape");
        if (!(p.spacing_um[a] > 0))
            throw InputError("synthetic beads: spacing must be positive");
    }
    if (!(p.beadDensity_per_um3 >= 0) || !(p.beadRadius_um > 0) || !(p.noise >= 0))
        throw InputError("synthetic beads: density, radius and noise must be non-negative (radius positive)");
    p.material.validate();
    checkAllocatable(p.shape, VoxelType::Float32, 6, "synthetic beads");

    BeadPair bp;
    bp.grid.shape = p.shape;
    bp.grid.spacing_um = p.spacing_um;
    bp.material = p.material;
    bp.coreRadius_um = defaultCoreRadius(bp.grid);
    const Grid& g = bp.grid;
    // Field extent (x, y, z) between the first and last voxel centres.
    const Eigen::Vector3d L((p.shape[2] - 1) * p.spacing_um[2], (p.shape[1] - 1) * p.spacing_um[1],
                            (p.shape[0] - 1) * p.spacing_um[0]);
    synth::Rng rng(p.seed, 1);
    bp.cellCentre_um = 0.5 * L;
    bp.cellAngle_rad = rng.uniform(0, kPi);
    for (int a = 0; a < 3; ++a) {
        static constexpr double kAuto[3] = {0.2, 0.12, 0.14};
        bp.cellSemiAxes_um[a] = p.cellSemiAxes_um[a] > 0 ? p.cellSemiAxes_um[a] : kAuto[a] * (L[a] + p.spacing_um[2 - a]);
    }
    bp.forces = p.forces.empty() ? defaultForces(bp, p.forceCount, p.forceMagnitude_pN) : p.forces;

    // Cell mask.
    bp.cellMask = Volume::zeros<std::uint8_t>(g);
    {
        auto* m = bp.cellMask.data<std::uint8_t>();
        for (std::size_t z = 0; z < p.shape[0]; ++z)
            for (std::size_t y = 0; y < p.shape[1]; ++y)
                for (std::size_t x = 0; x < p.shape[2]; ++x)
                    if (bp.insideCell({x * p.spacing_um[2], y * p.spacing_um[1], z * p.spacing_um[0]}))
                        m[g.index(z, y, x)] = 1;
    }
    if (progress)
        progress(0.02, "placing beads");

    // Beads: uniform in the field plus a margin (beads from outside may move in), not inside the cell
    // (a bead must sit fully in the gel), at least a hard-core distance apart.
    const double sigma = 0.6 * p.beadRadius_um;
    const double minD = p.minBeadDistance_um > 0 ? p.minBeadDistance_um : std::max(4 * p.beadRadius_um, 6 * sigma);
    const double margin = 3.5 * sigma + 1.0;
    const Eigen::Vector3d lo = Eigen::Vector3d::Constant(-margin), ext = L + Eigen::Vector3d::Constant(2 * margin);
    const double cellVol = 4.0 / 3.0 * kPi * bp.cellSemiAxes_um.prod();
    const double target = std::max(0.0, p.beadDensity_per_um3 * (ext.prod() - cellVol));
    const std::size_t want = static_cast<std::size_t>(std::llround(std::min(target, 5e6)));
    BeadHash hash{minD, {}};
    synth::Rng beadRng(p.seed, 2);
    for (std::size_t tries = 0; bp.beads_um.size() < want && tries < 30 * want + 100; ++tries) {
        const Eigen::Vector3d q(lo.x() + ext.x() * beadRng.uniform(), lo.y() + ext.y() * beadRng.uniform(),
                                lo.z() + ext.z() * beadRng.uniform());
        if (bp.insideCell(q, p.beadRadius_um) || !hash.free(bp.beads_um, q, minD))
            continue;
        hash.add(q, static_cast<int>(bp.beads_um.size()));
        bp.beads_um.push_back(q);
    }
    cancel.check();

    // True displacement: on the voxel grid and at each bead.
    bp.displacement_um = kelvinFieldOnGrid(g, bp.forces, bp.material, bp.coreRadius_um, subProgress(progress, 0.05, 0.7),
                                           cancel);
    bp.beadDisplacement_um.reserve(bp.beads_um.size());
    for (const auto& b : bp.beads_um) {
        bp.beadDisplacement_um.push_back(kelvinField(b, bp.forces, bp.material, bp.coreRadius_um));
        bp.maxBeadDisplacement_um = std::max(bp.maxBeadDisplacement_um, bp.beadDisplacement_um.back().norm());
    }
    if (progress)
        progress(0.7, "rendering beads");

    // Beads are rigid: each blob is translated by the displacement of the gel at its centre.
    bp.relaxed = Volume::zeros<float>(g);
    bp.stressed = Volume::zeros<float>(g);
    float* rel = bp.relaxed.data<float>();
    float* str = bp.stressed.data<float>();
    std::vector<double> w[3];
    std::ptrdiff_t wlo[3];
    synth::Rng ampRng(p.seed, 3);
    for (std::size_t i = 0; i < bp.beads_um.size(); ++i) {
        const double amp = ampRng.uniform(0.6, 1.0);
        splat(rel, g, bp.beads_um[i], sigma, amp, w, wlo);
        splat(str, g, bp.beads_um[i] + bp.beadDisplacement_um[i], sigma, amp, w, wlo);
    }
    cancel.check();
    synth::Rng noiseRel(p.seed, 4), noiseStr(p.seed, 5);
    const std::size_t n = g.voxels();
    for (std::size_t i = 0; i < n; ++i) {
        rel[i] += static_cast<float>(p.background);
        str[i] += static_cast<float>(p.background);
    }
    if (p.noise > 0) {
        synth::addGaussianNoise(rel, n, static_cast<float>(p.noise), noiseRel);
        synth::addGaussianNoise(str, n, static_cast<float>(p.noise), noiseStr);
    }
    for (std::size_t i = 0; i < n; ++i) {
        rel[i] = std::clamp(rel[i], 0.f, 1.f);
        str[i] = std::clamp(str[i], 0.f, 1.f);
    }
    if (progress)
        progress(1.0, "done");
    return bp;
}

DatasetPtr toDataset(const BeadPair& bp)
{
    DatasetInfo info;
    info.format = "synthetic";
    info.metadata["generator"] = "refractome synthetic bead pair";
    info.metadata["young_Pa"] = std::to_string(bp.material.young_Pa);
    info.metadata["poisson"] = std::to_string(bp.material.poisson);
    info.metadata["forces"] = std::to_string(bp.forces.size());
    std::vector<std::vector<VolumePtr>> vols;
    auto add = [&](const std::string& name, ChannelRole role, const std::string& unit, const Volume& v) {
        ChannelInfo c;
        c.name = name;
        c.role = role;
        c.unit = unit;
        c.components = v.components();
        c.grid = bp.grid;
        c.times_s = {0.0};
        c.display = defaultDisplayFor(name, role);
        info.channels.push_back(c);
        vols.push_back({std::make_shared<const Volume>(v)});
    };
    add("relaxed", ChannelRole::MeasuredFluorescence, "a.u.", bp.relaxed);
    add("stressed", ChannelRole::MeasuredFluorescence, "a.u.", bp.stressed);
    add("displacement_true", ChannelRole::VectorField, "\xC2\xB5m", bp.displacement_um);
    add("cell_mask", ChannelRole::Labels, "label", bp.cellMask);
    return makeMemoryDataset(std::move(info), std::move(vols));
}

std::string forcesCsv(const BeadPair& bp)
{
    std::ostringstream os;
    os.imbue(std::locale::classic());
    os << std::setprecision(10);
    os << "x_um,y_um,z_um,fx_pN,fy_pN,fz_pN\n";
    for (const auto& f : bp.forces)
        os << f.position_um.x() << ',' << f.position_um.y() << ',' << f.position_um.z() << ',' << f.force_pN.x()
           << ',' << f.force_pN.y() << ',' << f.force_pN.z() << '\n';
    return os.str();
}

std::string materialJson(const Material& m)
{
    std::ostringstream os;
    os.imbue(std::locale::classic());
    os << std::setprecision(10);
    os << "{\"young_Pa\": " << m.young_Pa << ", \"poisson\": " << m.poisson << ", \"shear_Pa\": " << m.shear()
       << ", \"lame_Pa\": ";
    if (std::isfinite(m.lame()))
        os << m.lame();
    else
        os << "null";
    os << ", \"model\": \"linear_elastic_isotropic\"}";
    return os.str();
}

} // namespace rfx
