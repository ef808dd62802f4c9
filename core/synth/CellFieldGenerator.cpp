#include "core/synth/CellFieldGenerator.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <memory>

#include "core/synth/SynthFilters.h"
#include "core/synth/SynthRandom.h"
#include "core/util/Errors.h"

namespace rfx {

const char* const kConditionEffectsDoc =
    "Synthetic conditions: \"control\" (or an empty name) is the baseline. Any other condition name "
    "applies the same deterministic effects to every cell, using the same random draws as control: "
    "nuclei +15 % volume (all three semi-axes x 1.15^(1/3)), twice as many lipid droplets, and "
    "cytoplasm RI +0.003.";

namespace {

using synth::Rng;
constexpr double kMediumRI = 1.337;
constexpr int kHarm = 4;  // outline harmonics k = 2..5
constexpr double kPi = 3.14159265358979323846;

struct Nucleolus {
    double lx, ly, zrel, radius, ri;  // cell-local µm (zrel above the cell bottom)
};
struct Droplet {
    double s, theta, zFrac, radius, ri;
};
struct Mito {
    double s, theta, zFrac, dir, len, bend, dz, radius, ri;
};
struct Fibre {
    double angle, offset, zrel, width;
};

// A cell in its own frame (x along its rotated axes, z above its bottom); poses move it per frame.
struct CellModel {
    int id = 0, parentId = 0, sisterId = 0;
    int firstFrame = 0, lastFrame = INT_MAX;
    std::uint64_t seed = 0;
    double cx0 = 0, cy0 = 0, vx = 0, vy = 0;  // µm and µm/frame, at firstFrame
    double R0 = 5;
    double amp[kHarm]{}, phase[kHarm]{}, phaseRate[kHarm]{};
    double rot0 = 0, rotRate = 0;
    double H = 5, He = 0.8, zBottom = 1.0;
    double nx = 0, ny = 0, na = 2, nb = 1.5, nc = 1.8, nAngle = 0, nGap = 0.4;
    double riCyto = 1.35, riNuc = 1.36;
    std::vector<Nucleolus> nucleoli;
    std::vector<Droplet> droplets;
    std::vector<Mito> mitos;
    std::vector<Fibre> fibres;

    double rMax() const
    {
        double s = 1;
        for (double a : amp)
            s += a;
        return R0 * s;
    }
    double nucleusCentreZ() const { return nGap + nc; }  // above the bottom
    // Nucleus stain brightness relative to the mean cell: denser chromatin raises both the nuclear RI
    // and the DNA stain (+-15 % over the riNuc range).
    double chromatin() const { return 1.0 + 0.3 * (riNuc - 1.360) / 0.01; }
};

struct Env {
    double W = 0, Hy = 0, Lz = 0;  // lateral extents and height, µm
    bool treated = false;
    double nucleusScale = 1.0;
};

struct Pose {
    double cx = 0, cy = 0, rot = 0, c = 1, s = 0;
    double phase[kHarm]{};
};

double reflect(double x, double lo, double hi)
{
    const double L = hi - lo;
    if (L <= 0)
        return 0.5 * (lo + hi);
    double t = std::fmod(x - lo, 2 * L);
    if (t < 0)
        t += 2 * L;
    return lo + (t <= L ? t : 2 * L - t);
}

Pose poseAt(const CellModel& m, int frame, const Env& env)
{
    Pose p;
    const double dt = frame - m.firstFrame;
    const double mx = std::min(0.75 * m.R0, 0.5 * env.W), my = std::min(0.75 * m.R0, 0.5 * env.Hy);
    p.cx = reflect(m.cx0 + m.vx * dt, mx, env.W - mx);
    p.cy = reflect(m.cy0 + m.vy * dt, my, env.Hy - my);
    p.rot = m.rot0 + m.rotRate * dt;
    p.c = std::cos(p.rot);
    p.s = std::sin(p.rot);
    for (int k = 0; k < kHarm; ++k)
        p.phase[k] = m.phase[k] + m.phaseRate[k] * dt;
    return p;
}

double outline(const CellModel& m, const Pose& p, double theta)
{
    double f = 1;
    for (int k = 0; k < kHarm; ++k)
        f += m.amp[k] * std::cos((k + 2) * theta + p.phase[k]);
    return m.R0 * f;
}

// Dome with broad shoulders: thin lamella at the edge, apex H at the centre.
double dome(const CellModel& m, double s) { return m.He + (m.H - m.He) * std::pow(std::max(0.0, 1 - s * s), 0.7); }

// Draws everything of a cell except its position and motion.
CellModel makeCell(Rng& rng, Rng& dropRng, double R0, const Env& env)
{
    CellModel m;
    m.seed = rng.next();
    m.R0 = R0;
    const double maxAmp[kHarm] = {0.15, 0.06, 0.04, 0.03};
    for (int k = 0; k < kHarm; ++k) {
        m.amp[k] = rng.uniform(0.3, 1.0) * maxAmp[k];
        m.phase[k] = rng.uniform(0, 2 * kPi);
        m.phaseRate[k] = rng.uniform(-0.08, 0.08);
    }
    m.rot0 = rng.uniform(0, 2 * kPi);
    m.rotRate = rng.uniform(-0.02, 0.02);
    m.zBottom = std::min(1.0, 0.15 * env.Lz);
    m.H = std::clamp(rng.uniform(4.0, 6.5), 1.5, std::max(1.5, env.Lz - m.zBottom - 1.0));
    m.He = std::min(rng.uniform(0.6, 1.0), 0.4 * m.H);

    // Nucleus: aligned with the cell's long axis (maximum of the k=2 harmonic), a little off-centre.
    const double ns = env.nucleusScale;
    m.nAngle = -m.phase[0] / 2 + rng.uniform(-0.2, 0.2);
    m.na = R0 * rng.uniform(0.42, 0.5) * ns;
    m.nb = m.na * rng.uniform(0.55, 0.95);  // from rounder to longer nuclei than the cells' own shapes
    m.nGap = std::min(0.4, 0.1 * m.H);
    m.nc = std::min(rng.uniform(1.3, 2.3), std::max(0.5, (m.H - m.nGap - 0.8) / 2)) * ns;
    const double off = R0 * rng.uniform(0.0, 0.1), offA = rng.uniform(0, 2 * kPi);
    m.nx = off * std::cos(offA);
    m.ny = off * std::sin(offA);
    m.riNuc = rng.uniform(1.355, 1.365);
    m.riCyto = rng.uniform(1.345, 1.352) + (env.treated ? 0.003 : 0.0);

    const int nNol = rng.uniformInt(1, 3);
    const double nMin = std::min({m.na, m.nb, m.nc});
    for (int i = 0; i < nNol; ++i) {
        Nucleolus n;
        const double r = std::clamp(rng.uniform(0.45, 0.8), 0.2, 0.4 * nMin);
        // Inside the nucleus: nucleus-normalised position within radius 0.4.
        double u, v, w;
        do {
            u = rng.uniform(-0.45, 0.45);
            v = rng.uniform(-0.45, 0.45);
            w = rng.uniform(-0.3, 0.3);
        } while (u * u + v * v + w * w > 0.2);
        const double ca = std::cos(m.nAngle), sa = std::sin(m.nAngle);
        const double ax = u * m.na, ay = v * m.nb;
        n.lx = m.nx + ca * ax - sa * ay;
        n.ly = m.ny + sa * ax + ca * ay;
        n.zrel = m.nucleusCentreZ() + w * m.nc;
        n.radius = r;
        // Nucleoli are the densest part of the nucleus: 0.015-0.025 above the nucleoplasm (about
        // 1.37-1.39), so they stand out of the blurred, noisy tomogram as they do in real ones.
        n.ri = m.riNuc + rng.uniform(0.015, 0.025);
        m.nucleoli.push_back(n);
    }

    auto outsideNucleus = [&](double s, double theta) {
        // Approximate with the mean outline radius: enough to keep organelles off the nucleus.
        const double lx = s * R0 * std::cos(theta) - m.nx, ly = s * R0 * std::sin(theta) - m.ny;
        const double ca = std::cos(m.nAngle), sa = std::sin(m.nAngle);
        const double u = (ca * lx + sa * ly) / m.na, v = (-sa * lx + ca * ly) / m.nb;
        return u * u + v * v > 1.3 * 1.3;
    };
    const double areaScale = (R0 / 6.0) * (R0 / 6.0);

    const int nMito = static_cast<int>(std::lround(rng.uniform(25, 45) * areaScale));
    for (int i = 0, tries = 0; i < nMito && tries < 20 * nMito; ++tries) {
        Mito mt;
        mt.s = std::sqrt(rng.uniform(0.04, 0.72));
        mt.theta = rng.uniform(0, 2 * kPi);
        mt.zFrac = rng.uniform(0.15, 0.55);
        mt.dir = mt.theta + rng.normal(0, 0.5);  // mostly radial, as around a nucleus
        mt.len = rng.uniform(1.0, 3.0);
        mt.bend = rng.uniform(-0.7, 0.7);
        mt.dz = rng.uniform(-0.15, 0.15);
        // Tubes 0.4-0.64 µm thick, 0.020-0.032 above the cytosol (about 1.365-1.385, treated cells
        // +0.003 with their cytoplasm): real mitochondria are among the densest cytoplasmic
        // organelles in holotomograms, and with less contrast the axial blur and noise of step 5
        // leave them at the noise level.
        mt.radius = rng.uniform(0.20, 0.32);
        mt.ri = m.riCyto + rng.uniform(0.020, 0.032);
        if (!outsideNucleus(mt.s, mt.theta))
            continue;
        m.mitos.push_back(mt);
        ++i;
    }

    const int nFib = rng.uniformInt(3, 6);
    const double fibAxis = -m.phase[0] / 2;
    for (int i = 0; i < nFib; ++i)
        m.fibres.push_back({fibAxis + rng.normal(0, 0.25), rng.uniform(-0.6, 0.6) * R0, rng.uniform(0.15, 0.35),
                            rng.uniform(0.10, 0.16)});

    // Droplets from their own stream: treated cells get the same droplets plus as many again.
    const int nDrop = static_cast<int>(std::lround(dropRng.uniform(3, 10) * areaScale));
    const int total = env.treated ? 2 * nDrop : nDrop;
    for (int i = 0, tries = 0; i < total && tries < 40 * std::max(total, 1); ++tries) {
        Droplet d;
        d.s = std::sqrt(dropRng.uniform(0.05, 0.56));
        d.theta = dropRng.uniform(0, 2 * kPi);
        d.zFrac = dropRng.uniform(0.3, 0.55);
        d.radius = dropRng.uniform(0.3, 0.75);
        d.ri = dropRng.uniform(1.40, 1.46);
        if (!outsideNucleus(d.s, d.theta))
            continue;
        m.droplets.push_back(d);
        ++i;
    }
    return m;
}

double localAngleOf(const CellModel& m, double dirWorld) { return dirWorld - m.rot0; }

// Places the cells: the first max(1, N/4) odd-indexed cells touch their predecessor; the rest keep
// a gap. Radii shrink and placement restarts if the field is too crowded.
std::vector<CellModel> placeCells(const CellFieldParams& p, const Env& env)
{
    const int N = p.cells;
    std::vector<CellModel> cells;
    if (N <= 0)
        return cells;
    const double Rmean = std::clamp(std::sqrt(0.42 * env.W * env.Hy / (kPi * N)), 3.0, 14.0);
    const int pairs = N >= 2 ? std::max(1, N / 4) : 0;
    double shrink = 1.0;
    for (int attempt = 0; attempt < 30; ++attempt, shrink *= 0.93) {
        cells.clear();
        Rng place(p.seed, 1 + static_cast<std::uint64_t>(attempt));
        bool ok = true;
        for (int i = 0; i < N && ok; ++i) {
            Rng rng(p.seed, 1000 + static_cast<std::uint64_t>(i));
            Rng dropRng(p.seed, 5000 + static_cast<std::uint64_t>(i));
            CellModel m = makeCell(rng, dropRng, Rmean * rng.uniform(0.85, 1.15) * shrink, env);
            m.id = i + 1;
            const double speed = rng.uniform(0.15, 0.4), heading = rng.uniform(0, 2 * kPi);
            m.vx = speed * std::cos(heading);
            m.vy = speed * std::sin(heading);
            const bool touching = (i % 2 == 1) && (i / 2) < pairs;
            const double mx = std::min(0.75 * m.R0, 0.5 * env.W), my = std::min(0.75 * m.R0, 0.5 * env.Hy);
            bool placed = false;
            for (int t = 0; t < 400 && !placed; ++t) {
                if (touching) {
                    const CellModel& a = cells[i - 1];
                    const double dir = place.uniform(0, 2 * kPi);
                    // Overlap the footprints along the joining line: the shared boundary is a contact.
                    const Pose pa = poseAt(a, 0, env);
                    const double ra = outline(a, pa, localAngleOf(a, dir));
                    Pose pb;
                    pb.rot = m.rot0;
                    for (int k = 0; k < kHarm; ++k)
                        pb.phase[k] = m.phase[k];
                    const double rb = outline(m, pb, localAngleOf(m, dir + kPi));
                    const double D = 0.85 * (ra + rb);
                    m.cx0 = a.cx0 + D * std::cos(dir);
                    m.cy0 = a.cy0 + D * std::sin(dir);
                    m.vx = a.vx;
                    m.vy = a.vy;
                    if (m.cx0 < mx || m.cx0 > env.W - mx || m.cy0 < my || m.cy0 > env.Hy - my)
                        continue;
                } else {
                    m.cx0 = place.uniform(mx, std::max(mx, env.W - mx));
                    m.cy0 = place.uniform(my, std::max(my, env.Hy - my));
                }
                placed = true;
                for (int j = 0; j < i && placed; ++j) {
                    if (touching && j == i - 1)
                        continue;
                    const double d = std::hypot(m.cx0 - cells[j].cx0, m.cy0 - cells[j].cy0);
                    if (d < m.rMax() + cells[j].rMax() + 0.5)
                        placed = false;
                }
            }
            if (!placed)
                ok = attempt == 29;  // last attempt: accept overlaps (labels still partition space)
            cells.push_back(std::move(m));
        }
        if (ok)
            break;
    }
    return cells;
}

void addDivision(std::vector<CellModel>& cells, const CellFieldParams& p, const Env& env)
{
    if (p.frames < 2 || !p.division || cells.empty())
        return;
    const int td = p.frames / 2;
    // Room for both daughters first: push_back must not invalidate the reference to the mother.
    cells.reserve(cells.size() + 2);
    // Prefer a cell that is not part of a touching pair: the last one placed.
    CellModel& mother = cells.back();
    mother.lastFrame = td - 1;
    const Pose pm = poseAt(mother, td, env);
    const double axis = pm.rot - pm.phase[0] / 2;  // long axis (world), where the k=2 term peaks
    const double ax = std::cos(axis), ay = std::sin(axis);
    const int firstId = static_cast<int>(cells.size()) + 1;
    for (int k = 0; k < 2; ++k) {
        Rng rng(p.seed, 9000 + static_cast<std::uint64_t>(k));
        Rng dropRng(p.seed, 9500 + static_cast<std::uint64_t>(k));
        const double Rd = 0.78 * mother.R0;
        CellModel d = makeCell(rng, dropRng, Rd, env);
        for (double& a : d.amp)
            a *= 0.5;  // dividing cells round up
        // Daughter nuclei: about half the mother's nuclear volume each, centred in the daughter.
        const double ox = d.nx, oy = d.ny, oz = d.nucleusCentreZ();
        const double fx = 0.8 * mother.na / d.na, fy = 0.8 * mother.nb / d.nb, fz = 0.85 * mother.nc / d.nc;
        d.na *= fx;
        d.nb *= fy;
        d.nc = std::min(d.nc * fz, std::max(0.5, (d.H - d.nGap - 0.8) / 2));
        const double fzz = d.nc / (oz - d.nGap);
        d.nx = d.ny = 0;
        const double ca = std::cos(d.nAngle), sa = std::sin(d.nAngle);
        for (auto& n : d.nucleoli) {
            // Keep each nucleolus at the same nucleus-normalised position.
            const double lx = n.lx - ox, ly = n.ly - oy;
            const double u = (ca * lx + sa * ly) * fx, v = (-sa * lx + ca * ly) * fy;
            n.lx = ca * u - sa * v;
            n.ly = sa * u + ca * v;
            n.zrel = d.nucleusCentreZ() + (n.zrel - oz) * fzz;
        }
        d.id = firstId + k;
        d.parentId = mother.id;
        d.sisterId = firstId + 1 - k;
        d.firstFrame = td;
        const double sign = k == 0 ? 1.0 : -1.0;
        d.cx0 = pm.cx + sign * 0.5 * Rd * ax;
        d.cy0 = pm.cy + sign * 0.5 * Rd * ay;
        d.vx = mother.vx + sign * 0.12 * ax;
        d.vy = mother.vy + sign * 0.12 * ay;
        cells.push_back(std::move(d));
    }
}

// Per-frame state of an active cell.
struct Active {
    const CellModel* m = nullptr;
    Pose pose;
    int nucleoliVisible = 0, dropletsVisible = 0;
};

void toWorld(const Active& a, double lx, double ly, double& wx, double& wy)
{
    wx = a.pose.cx + a.pose.c * lx - a.pose.s * ly;
    wy = a.pose.cy + a.pose.s * lx + a.pose.c * ly;
}

struct Bbox {
    std::ptrdiff_t lo[3], hi[3];  // inclusive, (z, y, x)
};

Bbox bboxAround(const Grid& g, const double c[3] /*z,y,x µm*/, double r)
{
    Bbox b;
    for (int a = 0; a < 3; ++a) {
        const double sp = g.spacing_um[a];
        b.lo[a] = std::max<std::ptrdiff_t>(0, static_cast<std::ptrdiff_t>(std::floor((c[a] - r) / sp)));
        b.hi[a] = std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(g.shape[a]) - 1,
                                           static_cast<std::ptrdiff_t>(std::ceil((c[a] + r) / sp)));
    }
    return b;
}

double segmentDistance2(const double p[3], const double a[3], const double b[3])
{
    double ab[3], ap[3], ab2 = 0, t = 0;
    for (int i = 0; i < 3; ++i) {
        ab[i] = b[i] - a[i];
        ap[i] = p[i] - a[i];
        ab2 += ab[i] * ab[i];
        t += ab[i] * ap[i];
    }
    t = ab2 > 0 ? std::clamp(t / ab2, 0.0, 1.0) : 0.0;
    double d2 = 0;
    for (int i = 0; i < 3; ++i) {
        const double d = ap[i] - t * ab[i];
        d2 += d * d;
    }
    return d2;
}

CellFieldFrame renderFrame(const std::vector<CellModel>& models, int frame, const Grid& grid, const Env& env,
                           const CellFieldParams& p, std::vector<Active>& act, const CancelToken& cancel)
{
    const std::size_t NZ = grid.shape[0], NY = grid.shape[1], NX = grid.shape[2];
    const double sz = grid.spacing_um[0], sy = grid.spacing_um[1], sx = grid.spacing_um[2];
    const std::size_t plane = NY * NX;

    act.clear();
    for (const auto& m : models)
        if (frame >= m.firstFrame && frame <= m.lastFrame)
            act.push_back({&m, poseAt(m, frame, env)});
    std::map<int, int> idToActive;
    for (std::size_t i = 0; i < act.size(); ++i)
        idToActive[act[i].m->id] = static_cast<int>(i);

    // 1) Footprints: each column belongs to the cell with the smallest normalised radius s (so
    //    overlapping footprints meet along a contact line); sisters split along their bisector plane.
    std::vector<int> owner(plane, -1);
    std::vector<float> sMap(plane, 2.f), lxMap(plane), lyMap(plane), hMap(plane, 0.f);
    for (std::size_t ci = 0; ci < act.size(); ++ci) {
        const Active& a = act[ci];
        const CellModel& m = *a.m;
        const double r = m.rMax();
        const double c[3] = {0, a.pose.cy, a.pose.cx};
        const Bbox b = bboxAround(grid, c, r);
        const int sister = m.sisterId ? idToActive.count(m.sisterId) ? idToActive[m.sisterId] : -1 : -1;
        for (std::ptrdiff_t y = b.lo[1]; y <= b.hi[1]; ++y)
            for (std::ptrdiff_t x = b.lo[2]; x <= b.hi[2]; ++x) {
                const double dx = x * sx - a.pose.cx, dy = y * sy - a.pose.cy;
                const double lx = a.pose.c * dx + a.pose.s * dy, ly = -a.pose.s * dx + a.pose.c * dy;
                const double rho = std::hypot(lx, ly);
                const double sv = rho / outline(m, a.pose, std::atan2(ly, lx));
                if (sv >= 1)
                    continue;
                const std::size_t col = static_cast<std::size_t>(y) * NX + static_cast<std::size_t>(x);
                const int cur = owner[col];
                bool take;
                if (cur >= 0 && cur == sister) {
                    const Pose& ps = act[cur].pose;
                    const double ux = ps.cx - a.pose.cx, uy = ps.cy - a.pose.cy;
                    const double mxp = 0.5 * (ps.cx + a.pose.cx), myp = 0.5 * (ps.cy + a.pose.cy);
                    take = (x * sx - mxp) * ux + (y * sy - myp) * uy < 0;
                } else {
                    take = sv < sMap[col];
                }
                if (take) {
                    owner[col] = static_cast<int>(ci);
                    sMap[col] = static_cast<float>(sv);
                    lxMap[col] = static_cast<float>(lx);
                    lyMap[col] = static_cast<float>(ly);
                }
            }
    }
    cancel.check();

    // 2) Heights: dome, raised over the nucleus so the nucleus always lies inside its cell.
    for (std::size_t col = 0; col < plane; ++col) {
        if (owner[col] < 0)
            continue;
        const CellModel& m = *act[owner[col]].m;
        const double lx = lxMap[col] - m.nx, ly = lyMap[col] - m.ny;
        const double ca = std::cos(m.nAngle), sa = std::sin(m.nAngle);
        const double u = (ca * lx + sa * ly) / m.na, v = (-sa * lx + ca * ly) / m.nb;
        const double q2 = u * u + v * v;
        const double env2 = (m.nGap + 2 * m.nc + 0.5) * std::sqrt(std::max(0.0, 1 - q2 / 1.8));
        hMap[col] = static_cast<float>(std::max(dome(m, sMap[col]), env2));
    }
    // Lateral distance to the cell outline (or to a neighbour's): 2D Euclidean distance transform.
    std::vector<float> dLat(plane);
    {
        std::vector<float> f(plane, 1e20f);
        for (std::size_t y = 0; y < NY; ++y)
            for (std::size_t x = 0; x < NX; ++x) {
                const std::size_t col = y * NX + x;
                const int o = owner[col];
                bool edge = false;
                if (x > 0 && owner[col - 1] != o)
                    edge = true;
                if (x + 1 < NX && owner[col + 1] != o)
                    edge = true;
                if (y > 0 && owner[col - NX] != o)
                    edge = true;
                if (y + 1 < NY && owner[col + NX] != o)
                    edge = true;
                if (edge)
                    f[col] = 0.f;
            }
        synth::distanceTransform2D(f.data(), NY, NX, sy, sx);
        for (std::size_t col = 0; col < plane; ++col)
            dLat[col] = std::sqrt(f[col]) + 0.5f * static_cast<float>(std::min(sx, sy));
    }

    CellFieldFrame out;
    out.ri = Volume::zeros<float>(grid);
    for (auto& fl : out.fluorescence)
        fl = Volume::zeros<float>(grid);
    out.nucleusLabels = Volume::zeros<std::int32_t>(grid);
    out.cellLabels = Volume::zeros<std::int32_t>(grid);
    float* ri = out.ri.data<float>();
    std::fill(ri, ri + grid.voxels(), static_cast<float>(kMediumRI));
    float* fl[6];
    for (int k = 0; k < 6; ++k)
        fl[k] = out.fluorescence[k].data<float>();
    std::int32_t* nucLab = out.nucleusLabels.data<std::int32_t>();
    std::int32_t* cellLab = out.cellLabels.data<std::int32_t>();

    // 3) Column fill: cytoplasm, nucleus, nucleoli, membrane, cortex and stress fibres.
    std::vector<std::vector<char>> nolSeen(act.size());
    for (std::size_t i = 0; i < act.size(); ++i)
        nolSeen[i].assign(act[i].m->nucleoli.size(), 0);
    for (std::size_t y = 0; y < NY; ++y) {
        for (std::size_t x = 0; x < NX; ++x) {
            const std::size_t col = y * NX + x;
            if (owner[col] < 0)
                continue;
            const int ci = owner[col];
            const CellModel& m = *act[ci].m;
            const double lx = lxMap[col], ly = lyMap[col], h = hMap[col], sv = sMap[col];
            // Slope of the top surface turns vertical distance into distance along the normal.
            auto hAt = [&](std::size_t c2) { return owner[c2] == ci ? static_cast<double>(hMap[c2]) : h; };
            const double gx = (hAt(x + 1 < NX ? col + 1 : col) - hAt(x > 0 ? col - 1 : col)) / (2 * sx);
            const double gy = (hAt(y + 1 < NY ? col + NX : col) - hAt(y > 0 ? col - NX : col)) / (2 * sy);
            const double cosA = 1.0 / std::sqrt(1 + gx * gx + gy * gy);
            const double ca = std::cos(m.nAngle), sa = std::sin(m.nAngle);
            const double nu = (ca * (lx - m.nx) + sa * (ly - m.ny)) / m.na;
            const double nv = (-sa * (lx - m.nx) + ca * (ly - m.ny)) / m.nb;
            const double q2xy = nu * nu + nv * nv;
            double fibreXY[8];
            const std::size_t nf = std::min<std::size_t>(m.fibres.size(), 8);
            for (std::size_t f = 0; f < nf; ++f) {
                const Fibre& fb = m.fibres[f];
                const double d = -std::sin(fb.angle) * lx + std::cos(fb.angle) * ly - fb.offset;
                fibreXY[f] = sv < 0.92 ? std::exp(-d * d / (2 * fb.width * fb.width)) : 0.0;
            }
            const auto z0 = static_cast<std::ptrdiff_t>(std::ceil(m.zBottom / sz - 1e-9));
            const auto z1 = std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(NZ) - 1,
                                                     static_cast<std::ptrdiff_t>(std::floor((m.zBottom + h) / sz)));
            for (std::ptrdiff_t z = std::max<std::ptrdiff_t>(z0, 0); z <= z1; ++z) {
                const std::size_t i = static_cast<std::size_t>(z) * plane + col;
                const double zrel = z * sz - m.zBottom;
                const double d = std::min({static_cast<double>(dLat[col]), (h - zrel) * cosA, zrel + 0.5 * sz});
                const double tex = 0.6 * synth::valueNoise3(m.seed, lx / 0.9, ly / 0.9, zrel / 0.9) +
                                   0.4 * synth::valueNoise3(m.seed ^ 0x5bd1e995ULL, lx / 0.35, ly / 0.35, zrel / 0.35);
                const double memb = std::exp(-d * d / (2 * 0.12 * 0.12));
                double actin = 0.05 + 0.6 * std::exp(-((d - 0.3) / 0.2) * ((d - 0.3) / 0.2));
                for (std::size_t f = 0; f < nf; ++f) {
                    const double dz = zrel - m.fibres[f].zrel;
                    actin += fibreXY[f] * std::exp(-dz * dz / (2 * 0.15 * 0.15));
                }
                double n = m.riCyto + 0.004 * tex;
                cellLab[i] = m.id;
                const double w = (zrel - m.nucleusCentreZ()) / m.nc;
                if (q2xy + w * w <= 1.0) {
                    nucLab[i] = m.id;
                    n = m.riNuc + 0.0025 * tex;
                    // Cells differ in chromatin density, which shows in the RI and the stain alike: with
                    // one brightness for all cells the nucleus-intensity feature varied only 1.7 %
                    // between cells, too little to validate against.
                    double nucFl = (0.75 + 0.2 * tex) * m.chromatin();
                    for (std::size_t k = 0; k < m.nucleoli.size(); ++k) {
                        const Nucleolus& nl = m.nucleoli[k];
                        const double ddx = lx - nl.lx, ddy = ly - nl.ly, ddz = zrel - nl.zrel;
                        if (ddx * ddx + ddy * ddy + ddz * ddz <= nl.radius * nl.radius) {
                            n = nl.ri + 0.002 * tex;
                            nucFl = 0.35;
                            fl[kNucleoli][i] = 1.f;
                            nolSeen[ci][k] = 1;
                        }
                    }
                    fl[kNucleus][i] = static_cast<float>(nucFl);
                    actin *= 0.3;
                }
                n += 0.006 * memb + 0.003 * std::min(actin, 1.0);
                ri[i] = static_cast<float>(n);
                fl[kMembrane][i] = static_cast<float>(memb);
                fl[kActin][i] = static_cast<float>(std::min(actin, 1.0));
            }
        }
    }
    for (std::size_t ci = 0; ci < act.size(); ++ci)
        act[ci].nucleoliVisible = static_cast<int>(std::count(nolSeen[ci].begin(), nolSeen[ci].end(), 1));
    cancel.check();

    // 4) Objects: lipid droplets (spheres) and mitochondria (bent tubes), clipped to their cell's
    //    cytoplasm; soft edges of about one voxel.
    const double edge = 0.5 * (sx + sz);
    for (std::size_t ci = 0; ci < act.size(); ++ci) {
        Active& a = act[ci];
        const CellModel& m = *a.m;
        auto localPoint = [&](double s, double theta, double zFrac, double out3[3] /*z,y,x world*/) {
            const double R = outline(m, a.pose, theta);
            const double lx = s * R * std::cos(theta), ly = s * R * std::sin(theta);
            double wx, wy;
            toWorld(a, lx, ly, wx, wy);
            out3[0] = m.zBottom + zFrac * dome(m, s);
            out3[1] = wy;
            out3[2] = wx;
        };
        for (const Droplet& d : m.droplets) {
            double c[3];
            localPoint(d.s, d.theta, d.zFrac, c);
            const Bbox b = bboxAround(grid, c, d.radius + edge);
            bool seen = false;
            for (auto z = b.lo[0]; z <= b.hi[0]; ++z)
                for (auto y = b.lo[1]; y <= b.hi[1]; ++y)
                    for (auto x = b.lo[2]; x <= b.hi[2]; ++x) {
                        const std::size_t i = (static_cast<std::size_t>(z) * NY + static_cast<std::size_t>(y)) * NX +
                                              static_cast<std::size_t>(x);
                        if (cellLab[i] != m.id || nucLab[i] != 0)
                            continue;
                        const double dz = z * sz - c[0], dy = y * sy - c[1], dx = x * sx - c[2];
                        const double dist = std::sqrt(dx * dx + dy * dy + dz * dz);
                        const double w = std::clamp(0.5 + (d.radius - dist) / edge, 0.0, 1.0);
                        if (w <= 0)
                            continue;
                        ri[i] = static_cast<float>(ri[i] + w * (d.ri - ri[i]));
                        fl[kLipidDroplets][i] = std::max(fl[kLipidDroplets][i], static_cast<float>(w));
                        seen |= w >= 0.5;
                    }
            a.dropletsVisible += seen ? 1 : 0;
        }
        for (const Mito& mt : m.mitos) {
            double p0[3];
            localPoint(mt.s, mt.theta, mt.zFrac, p0);
            const double dirW = mt.dir + a.pose.rot, half = 0.5 * mt.len;
            const double p1[3] = {p0[0] + mt.dz, p0[1] + half * std::sin(dirW), p0[2] + half * std::cos(dirW)};
            const double p2[3] = {p1[0] + mt.dz, p1[1] + half * std::sin(dirW + mt.bend),
                                  p1[2] + half * std::cos(dirW + mt.bend)};
            const double c[3] = {p1[0], p1[1], p1[2]};
            const Bbox b = bboxAround(grid, c, half + mt.radius + edge + 0.3);
            for (auto z = b.lo[0]; z <= b.hi[0]; ++z)
                for (auto y = b.lo[1]; y <= b.hi[1]; ++y)
                    for (auto x = b.lo[2]; x <= b.hi[2]; ++x) {
                        const std::size_t i = (static_cast<std::size_t>(z) * NY + static_cast<std::size_t>(y)) * NX +
                                              static_cast<std::size_t>(x);
                        if (cellLab[i] != m.id || nucLab[i] != 0)
                            continue;
                        const double q[3] = {z * sz, y * sy, x * sx};
                        const double d2 = std::min(segmentDistance2(q, p0, p1), segmentDistance2(q, p1, p2));
                        const double w = std::clamp(0.5 + (mt.radius - std::sqrt(d2)) / edge, 0.0, 1.0);
                        if (w <= 0)
                            continue;
                        if (mt.ri > ri[i])
                            ri[i] = static_cast<float>(ri[i] + w * (mt.ri - ri[i]));
                        fl[kMitochondria][i] = std::max(fl[kMitochondria][i], static_cast<float>(w));
                    }
        }
    }
    cancel.check();

    // 5) Imaging: missing-cone-like anisotropic blur (stronger along z) and noise on RI only;
    //    fluorescence truth is only smoothed a little.
    if (p.axialBlur) {
        for (std::size_t i = 0; i < grid.voxels(); ++i)
            ri[i] -= static_cast<float>(kMediumRI);
        synth::gaussianBlur3D(ri, grid.shape, {2.5, 0.7, 0.7});
        for (std::size_t i = 0; i < grid.voxels(); ++i)
            ri[i] += static_cast<float>(kMediumRI);
    }
    cancel.check();
    if (p.noise > 0) {
        Rng noise(p.seed, 777000 + static_cast<std::uint64_t>(frame));
        synth::addGaussianNoise(ri, grid.voxels(), static_cast<float>(p.noise), noise);
    }
    for (int k = 0; k < 6; ++k) {
        synth::binomialBlur3D(fl[k], grid.shape);
        for (std::size_t i = 0; i < grid.voxels(); ++i)
            fl[k][i] = std::clamp(fl[k][i], 0.f, 1.f);
    }
    return out;
}

void measureTruth(const CellFieldFrame& fr, const std::vector<Active>& act, int frame, const Grid& grid,
                  const std::string& condition, std::vector<CellTruth>& outRows)
{
    struct Acc {
        double n = 0, sx = 0, sy = 0, sz = 0, nuc = 0;
        bool border = false;
    };
    std::map<int, Acc> acc;
    const std::int32_t* cl = fr.cellLabels.data<std::int32_t>();
    const std::int32_t* nl = fr.nucleusLabels.data<std::int32_t>();
    const std::size_t NZ = grid.shape[0], NY = grid.shape[1], NX = grid.shape[2];
    std::size_t i = 0;
    for (std::size_t z = 0; z < NZ; ++z)
        for (std::size_t y = 0; y < NY; ++y)
            for (std::size_t x = 0; x < NX; ++x, ++i) {
                const int id = cl[i];
                if (!id)
                    continue;
                Acc& a = acc[id];
                a.n += 1;
                a.sx += static_cast<double>(x);
                a.sy += static_cast<double>(y);
                a.sz += static_cast<double>(z);
                if (nl[i])
                    a.nuc += 1;
                if (x == 0 || y == 0 || x + 1 == NX || y + 1 == NY)
                    a.border = true;
            }
    const double vv = grid.voxelVolume_um3();
    for (const Active& a : act) {
        auto it = acc.find(a.m->id);
        if (it == acc.end())
            continue;  // swallowed entirely by neighbours (does not happen with the default placement)
        const Acc& s = it->second;
        CellTruth t;
        t.id = a.m->id;
        t.parentId = a.m->parentId;
        t.frame = frame;
        t.centroid_um = {s.sx / s.n * grid.spacing_um[2], s.sy / s.n * grid.spacing_um[1],
                         s.sz / s.n * grid.spacing_um[0]};
        t.volume_um3 = s.n * vv;
        t.nucleusVolume_um3 = s.nuc * vv;
        t.nucleoli = a.nucleoliVisible;
        t.lipidDroplets = a.dropletsVisible;
        t.touchesBorder = s.border;
        t.condition = condition;
        outRows.push_back(t);
    }
}

} // namespace

CellField generateCellField(const CellFieldParams& p, const ProgressFn& progress, const CancelToken& cancel)
{
    for (int a = 0; a < 3; ++a) {
        if (p.shape[a] == 0)
            throw InputError("synthetic cells: empty shape");
        if (!(p.spacing_um[a] > 0))
            throw InputError("synthetic cells: spacing must be positive");
    }
    if (p.cells < 0 || p.cells > 10000)
        throw InputError("synthetic cells: cell count must be in [0, 10000]");
    if (p.frames < 1)
        throw InputError("synthetic cells: need at least one frame");
    if (p.noise < 0)
        throw InputError("synthetic cells: noise must not be negative");
    checkAllocatable(p.shape, VoxelType::Float32, 9, "synthetic cells");

    CellField field;
    field.grid.shape = p.shape;
    field.grid.spacing_um = p.spacing_um;
    field.condition = p.condition;
    field.seed = p.seed;
    field.mediumRI = kMediumRI;

    Env env;
    env.W = static_cast<double>(p.shape[2]) * p.spacing_um[2];
    env.Hy = static_cast<double>(p.shape[1]) * p.spacing_um[1];
    env.Lz = static_cast<double>(p.shape[0]) * p.spacing_um[0];
    env.treated = !(p.condition.empty() || p.condition == "control");
    env.nucleusScale = env.treated ? std::cbrt(1.15) : 1.0;

    std::vector<CellModel> models = placeCells(p, env);
    addDivision(models, p, env);

    std::vector<Active> act;
    for (int t = 0; t < p.frames; ++t) {
        cancel.check();
        if (progress)
            progress(static_cast<double>(t) / p.frames,
                     "frame " + std::to_string(t + 1) + "/" + std::to_string(p.frames));
        field.frames.push_back(renderFrame(models, t, field.grid, env, p, act, cancel));
        field.times_s.push_back(t * p.frameInterval_s);
        measureTruth(field.frames.back(), act, t, field.grid, p.condition, field.cells);
    }
    if (progress)
        progress(1.0, "done");
    return field;
}

namespace {
DatasetInfo cellFieldInfo(const CellField& f)
{
    DatasetInfo info;
    info.format = "synthetic";
    info.mediumRI = f.mediumRI;
    info.metadata["generator"] = "refractome synthetic cell field";
    info.metadata["seed"] = std::to_string(f.seed);
    info.metadata["condition"] = f.condition;
    info.metadata["condition_effects"] = kConditionEffectsDoc;
    auto add = [&](const std::string& name, ChannelRole role, const std::string& unit) {
        ChannelInfo c;
        c.name = name;
        c.role = role;
        c.unit = unit;
        c.grid = f.grid;
        c.times_s = f.times_s;
        c.display = defaultDisplayFor(name, role);
        info.channels.push_back(c);
    };
    add("ri", ChannelRole::RefractiveIndex, "RI");
    for (const char* t : kFluorescenceTargets)
        add(t, ChannelRole::MeasuredFluorescence, "a.u.");
    add("nucleus_labels", ChannelRole::Labels, "label");
    add("cell_labels", ChannelRole::Labels, "label");
    return info;
}

template <class Take> DatasetPtr buildDataset(const CellField& f, Take&& take)
{
    std::vector<std::vector<VolumePtr>> vols(9);
    for (std::size_t t = 0; t < f.frames.size(); ++t) {
        vols[0].push_back(take(t, -1));
        for (int k = 0; k < 6; ++k)
            vols[1 + k].push_back(take(t, k));
        vols[7].push_back(take(t, 6));
        vols[8].push_back(take(t, 7));
    }
    return makeMemoryDataset(cellFieldInfo(f), std::move(vols));
}

// k: -1 RI, 0-5 fluorescence targets, 6 nucleus labels, 7 cell labels (the channel order).
template <class Frame> auto& pick(Frame& fr, int k)
{
    return k < 0 ? fr.ri : k < 6 ? fr.fluorescence[static_cast<std::size_t>(k)] : k == 6 ? fr.nucleusLabels : fr.cellLabels;
}
} // namespace

DatasetPtr toDataset(const CellField& field)
{
    return buildDataset(field, [&](std::size_t t, int k) {
        return std::make_shared<const Volume>(pick(field.frames[t], k));
    });
}

DatasetPtr toDataset(CellField&& field)
{
    return buildDataset(field, [&](std::size_t t, int k) {
        return std::make_shared<const Volume>(std::move(pick(field.frames[t], k)));
    });
}

} // namespace rfx
