#include "core/profiling/CellMeasurer.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>

#include "core/segmentation/LabelFilters.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {

constexpr int kGlcmLevels = 32;
constexpr double kGlcmRange = 0.08;  // RI above the medium mapped onto the grey levels

// Integer labels (or a mask) as int32 values, whatever the storage type.
std::vector<std::int32_t> asLabels(const Volume* v, std::size_t n)
{
    std::vector<std::int32_t> out(n, 0);
    if (!v)
        return out;
    if (v->type() == VoxelType::Int32) {
        const auto* p = v->data<std::int32_t>();
        std::copy(p, p + n, out.begin());
    } else {
        for (std::size_t i = 0; i < n; ++i)
            out[i] = static_cast<std::int32_t>(std::lround(v->valueAt(i)));
    }
    return out;
}

std::vector<float> asFloat(const Volume& v)
{
    if (v.type() == VoxelType::Float32) {
        const float* p = v.data<float>();
        return std::vector<float>(p, p + v.voxels());
    }
    const Volume f = v.toFloat();
    const float* p = f.data<float>();
    return std::vector<float>(p, p + f.voxels());
}

RiStats riStats(std::vector<double>& values, double voxelVolume, double mediumRI, double alpha)
{
    RiStats s;
    s.voxels = values.size();
    s.volume_um3 = static_cast<double>(values.size()) * voxelVolume;
    if (values.empty())
        return s;
    const double n = static_cast<double>(values.size());
    double sum = 0;
    for (double v : values)
        sum += v;
    s.mean = sum / n;
    double m2 = 0, m3 = 0, m4 = 0;
    for (double v : values) {
        const double d = v - s.mean;
        m2 += d * d;
        m3 += d * d * d;
        m4 += d * d * d * d;
    }
    m2 /= n;
    m3 /= n;
    m4 /= n;
    s.sd = std::sqrt(m2);
    s.skewness = m2 > 0 ? m3 / std::pow(m2, 1.5) : 0.0;
    s.excessKurtosis = m2 > 0 ? m4 / (m2 * m2) - 3.0 : 0.0;
    s.dryMass_pg = (sum - n * mediumRI) / alpha * voxelVolume;
    std::sort(values.begin(), values.end());
    // Linear interpolation between order statistics (NumPy's default percentile).
    auto pct = [&](double q) {
        const double pos = q * (n - 1);
        const auto lo = static_cast<std::size_t>(std::floor(pos));
        const std::size_t hi = std::min(values.size() - 1, lo + 1);
        return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
    };
    s.median = pct(0.5);
    s.p10 = pct(0.10);
    s.p25 = pct(0.25);
    s.p75 = pct(0.75);
    s.p90 = pct(0.90);
    s.max = values.back();
    return s;
}

// Principal axes of the equivalent ellipsoid (a solid ellipsoid with semi-axis a has variance a²/5).
void shapeFromMoments(const std::vector<std::array<double, 3>>& pts, ShapeStats& out)
{
    if (pts.empty())
        return;
    Eigen::Vector3d mean = Eigen::Vector3d::Zero();
    for (const auto& p : pts)
        mean += Eigen::Vector3d(p[0], p[1], p[2]);
    mean /= static_cast<double>(pts.size());
    Eigen::Matrix3d cov = Eigen::Matrix3d::Zero();
    for (const auto& p : pts) {
        const Eigen::Vector3d d = Eigen::Vector3d(p[0], p[1], p[2]) - mean;
        cov += d * d.transpose();
    }
    cov /= static_cast<double>(pts.size());
    Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d> es(cov);
    const Eigen::Vector3d ev = es.eigenvalues();  // ascending
    for (int k = 0; k < 3; ++k)
        out.axes_um[static_cast<std::size_t>(k)] = 2 * std::sqrt(5 * std::max(0.0, ev(2 - k)));
    out.centroid_um = {mean(0), mean(1), mean(2)};
}

} // namespace

std::vector<CellMeasurements> measureCells(const MeasureInputs& in, const CancelToken& cancel)
{
    if (!in.ri || !in.cellLabels)
        throw InputError("profiling needs an RI volume and cell labels");
    const Grid& g = in.ri->grid();
    auto check = [&](const Volume* v, const std::string& what) {
        if (v && !v->grid().sameShape(g))
            throw InputError(what + " has a different shape from the RI volume");
    };
    check(in.cellLabels, "cell_labels");
    check(in.nucleusLabels, "nucleus_labels");
    for (const auto& [k, v] : in.masks)
        check(v, k + " mask");
    for (const auto& [k, v] : in.fluorescence)
        check(v, k + " channel");
    const std::size_t NZ = g.shape[0], NY = g.shape[1], NX = g.shape[2], n = g.voxels();
    const double sz = g.spacing_um[0], sy = g.spacing_um[1], sx = g.spacing_um[2];
    const double vv = g.voxelVolume_um3();

    const std::vector<float> ri = asFloat(*in.ri);
    const std::vector<std::int32_t> cells = asLabels(in.cellLabels, n);
    const std::vector<std::int32_t> nuclei = asLabels(in.nucleusLabels, n);
    // Organelle objects: connected components over the whole frame; a cell counts the components
    // its voxels touch.
    auto components = [&](const std::string& name) {
        seg::Labels l;
        const auto it = in.masks.find(name);
        if (it == in.masks.end() || !it->second) {
            l.assign(n, 0);
            return l;
        }
        seg::Mask m(n, 0);
        for (std::size_t i = 0; i < n; ++i)
            m[i] = it->second->valueAt(i) > 0 ? 1 : 0;
        seg::connectedComponents(m, g.shape, 1, l);
        return l;
    };
    const seg::Labels nucleoli = components("nucleoli"), droplets = components("lipid_droplets"),
                      mitos = components("mitochondria");
    cancel.check();
    auto channel = [&](const std::string& name) -> std::vector<float> {
        const auto it = in.fluorescence.find(name);
        return it != in.fluorescence.end() && it->second ? asFloat(*it->second) : std::vector<float>();
    };
    const std::vector<float> flActin = channel("actin"), flMembrane = channel("membrane"),
                             flMito = channel("mitochondria"), flLipid = channel("lipid_droplets"),
                             flNucleus = channel("nucleus"), flNucleoli = channel("nucleoli");

    // Voxel lists per cell, in raster order.
    std::int32_t maxId = 0;
    for (std::int32_t c : cells)
        maxId = std::max(maxId, c);
    std::vector<std::vector<std::uint32_t>> voxels(static_cast<std::size_t>(maxId) + 1);
    for (std::size_t i = 0; i < n; ++i)
        if (cells[i] > 0)
            voxels[static_cast<std::size_t>(cells[i])].push_back(static_cast<std::uint32_t>(i));

    std::vector<CellMeasurements> out;
    for (std::int32_t id = 1; id <= maxId; ++id) {
        const auto& vox = voxels[static_cast<std::size_t>(id)];
        if (vox.empty())
            continue;
        cancel.check();
        CellMeasurements m;
        m.id = id;
        std::vector<double> riCell, riNuc, riCyto, riNol, riLd, riMito;
        std::vector<std::array<double, 3>> ptsCell, ptsNuc;
        std::set<std::int32_t> nolIds, ldIds, mitoIds;
        std::vector<char> footprint(NY * NX, 0);
        std::size_t zMin = NZ, zMax = 0;
        double cellFaces = 0, nucFaces = 0, grad = 0;
        double sumActin = 0, sumMembrane = 0, sumMito = 0, sumLipid = 0, sumNuc = 0, sumNol = 0;
        std::vector<double> glcm(kGlcmLevels * kGlcmLevels, 0);
        std::vector<std::uint32_t> mitoVoxels;
        auto level = [&](std::size_t i) {
            const double t = (ri[i] - in.mediumRI) / kGlcmRange;
            return std::clamp(static_cast<int>(t * kGlcmLevels), 0, kGlcmLevels - 1);
        };
        for (std::uint32_t i : vox) {
            const std::size_t x = i % NX, y = (i / NX) % NY, z = i / (NX * NY);
            const double r = ri[i];
            const std::array<double, 3> p{x * sx + g.origin_um[2], y * sy + g.origin_um[1], z * sz + g.origin_um[0]};
            riCell.push_back(r);
            ptsCell.push_back(p);
            footprint[y * NX + x] = 1;
            zMin = std::min(zMin, z);
            zMax = std::max(zMax, z);
            if (x == 0 || y == 0 || x + 1 == NX || y + 1 == NY)
                m.touchesBorder = true;
            const bool inNucleus = nuclei[i] == id;
            // Faces to a voxel outside the cell (or outside the field) belong to the surface.
            auto faces = [&](auto inside) {
                double a = 0;
                a += (x == 0 || !inside(i - 1)) ? sy * sz : 0;
                a += (x + 1 == NX || !inside(i + 1)) ? sy * sz : 0;
                a += (y == 0 || !inside(i - NX)) ? sx * sz : 0;
                a += (y + 1 == NY || !inside(i + NX)) ? sx * sz : 0;
                a += (z == 0 || !inside(i - NX * NY)) ? sx * sy : 0;
                a += (z + 1 == NZ || !inside(i + NX * NY)) ? sx * sy : 0;
                return a;
            };
            cellFaces += faces([&](std::size_t j) { return cells[j] == id; });
            if (inNucleus) {
                riNuc.push_back(r);
                ptsNuc.push_back(p);
                nucFaces += faces([&](std::size_t j) { return nuclei[j] == id; });
                if (nucleoli[i] > 0) {
                    riNol.push_back(r);
                    nolIds.insert(nucleoli[i]);
                }
                if (!flNucleus.empty())
                    sumNuc += flNucleus[i];
                if (!flNucleoli.empty())
                    sumNol += flNucleoli[i];
            } else {
                riCyto.push_back(r);
                if (droplets[i] > 0) {
                    riLd.push_back(r);
                    ldIds.insert(droplets[i]);
                }
                if (mitos[i] > 0) {
                    riMito.push_back(r);
                    mitoIds.insert(mitos[i]);
                    mitoVoxels.push_back(i);
                }
                if (!flMito.empty())
                    sumMito += flMito[i];
                if (!flLipid.empty())
                    sumLipid += flLipid[i];
            }
            if (!flActin.empty())
                sumActin += flActin[i];
            if (!flMembrane.empty())
                sumMembrane += flMembrane[i];
            // Gradient by central differences where both neighbours exist.
            if (x > 0 && x + 1 < NX && y > 0 && y + 1 < NY && z > 0 && z + 1 < NZ) {
                const double gx = (ri[i + 1] - ri[i - 1]) / (2 * sx);
                const double gy = (ri[i + NX] - ri[i - NX]) / (2 * sy);
                const double gz = (ri[i + NX * NY] - ri[i - NX * NY]) / (2 * sz);
                grad += std::sqrt(gx * gx + gy * gy + gz * gz);
            }
            // Co-occurrence with the +x, +y, +z neighbours inside the cell (symmetric).
            const int li = level(i);
            const std::size_t nb[3] = {x + 1 < NX ? i + 1 : i, y + 1 < NY ? i + NX : i, z + 1 < NZ ? i + NX * NY : i};
            for (std::size_t j : nb) {
                if (j == i || cells[j] != id)
                    continue;
                const int lj = level(j);
                glcm[static_cast<std::size_t>(li * kGlcmLevels + lj)] += 1;
                glcm[static_cast<std::size_t>(lj * kGlcmLevels + li)] += 1;
            }
        }
        const double nc = static_cast<double>(vox.size());
        const std::size_t nucleusVoxels = riNuc.size(), cytoVoxels = riCyto.size();
        m.cell = riStats(riCell, vv, in.mediumRI, in.alpha);
        m.nucleus = riStats(riNuc, vv, in.mediumRI, in.alpha);
        m.cytoplasm = riStats(riCyto, vv, in.mediumRI, in.alpha);
        m.nucleoli = riStats(riNol, vv, in.mediumRI, in.alpha);
        m.lipidDroplets = riStats(riLd, vv, in.mediumRI, in.alpha);
        m.mitochondria = riStats(riMito, vv, in.mediumRI, in.alpha);
        m.cellShape.surfaceArea_um2 = cellFaces / 1.5;
        m.nucleusShape.surfaceArea_um2 = nucFaces / 1.5;
        shapeFromMoments(ptsCell, m.cellShape);
        shapeFromMoments(ptsNuc, m.nucleusShape);
        m.footprintArea_um2 = static_cast<double>(std::count(footprint.begin(), footprint.end(), 1)) * sx * sy;
        m.height_um = static_cast<double>(zMax - zMin + 1) * sz;
        m.nucleoliCount = static_cast<int>(nolIds.size());
        m.lipidDropletCount = static_cast<int>(ldIds.size());
        m.mitochondriaCount = static_cast<int>(mitoIds.size());
        if (!mitoVoxels.empty() && nucleusVoxels > 0) {
            const auto& c = m.nucleusShape.centroid_um;
            double d = 0;
            for (std::uint32_t i : mitoVoxels) {
                const std::size_t x = i % NX, y = (i / NX) % NY, z = i / (NX * NY);
                const double dx = x * sx + g.origin_um[2] - c[0], dy = y * sy + g.origin_um[1] - c[1],
                             dz = z * sz + g.origin_um[0] - c[2];
                d += std::sqrt(dx * dx + dy * dy + dz * dz);
            }
            m.mitochondriaDistanceToNucleus_um = d / static_cast<double>(mitoVoxels.size());
        }
        m.actinIntensity = sumActin / nc;
        m.membraneIntensity = sumMembrane / nc;
        m.mitochondriaIntensity = cytoVoxels ? sumMito / static_cast<double>(cytoVoxels) : 0.0;
        m.lipidDropletsIntensity = cytoVoxels ? sumLipid / static_cast<double>(cytoVoxels) : 0.0;
        m.nucleusIntensity = nucleusVoxels ? sumNuc / static_cast<double>(nucleusVoxels) : 0.0;
        m.nucleoliIntensity = nucleusVoxels ? sumNol / static_cast<double>(nucleusVoxels) : 0.0;
        m.riGradient = grad / nc;
        double total = 0;
        for (double c : glcm)
            total += c;
        if (total > 0) {
            double mu = 0;
            for (int a = 0; a < kGlcmLevels; ++a)
                for (int b = 0; b < kGlcmLevels; ++b)
                    mu += a * glcm[static_cast<std::size_t>(a * kGlcmLevels + b)] / total;
            double var = 0, corr = 0;
            for (int a = 0; a < kGlcmLevels; ++a)
                for (int b = 0; b < kGlcmLevels; ++b) {
                    const double p = glcm[static_cast<std::size_t>(a * kGlcmLevels + b)] / total;
                    const double d = a - b;
                    m.glcmContrast += p * d * d;
                    m.glcmHomogeneity += p / (1 + d * d);
                    m.glcmEnergy += p * p;
                    var += p * (a - mu) * (a - mu);
                    corr += p * (a - mu) * (b - mu);
                }
            m.glcmCorrelation = var > 0 ? corr / var : 1.0;
        }
        out.push_back(std::move(m));
    }
    return out;
}

} // namespace rfx
