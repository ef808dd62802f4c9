#include "core/forces/ElasticityAnalysis.h"

#include <cmath>

#include <Eigen/Dense>

#include "core/synth/SynthFilters.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {

struct NodeGrid {
    std::array<int, 3> n{};  // (z, y, x)
    std::array<double, 3> h{};
    std::size_t index(int z, int y, int x) const { return (static_cast<std::size_t>(z) * n[1] + y) * n[2] + x; }
    std::size_t size() const { return static_cast<std::size_t>(n[0]) * n[1] * n[2]; }
};

// d f / d(axis) at node (z, y, x): central differences inside, one-sided at the borders, 0 along an axis
// with a single node. Summed over a box, these differences telescope to the field half a node outside
// the box, so nodal forces obey a discrete divergence theorem.
template <class T> T derivative(const std::vector<T>& f, const NodeGrid& g, int z, int y, int x, int axis)
{
    int idx[3] = {z, y, x};
    const int k = idx[axis], n = g.n[axis];
    if (n < 2)
        return T::Zero();
    int lo[3] = {z, y, x}, hi[3] = {z, y, x};
    lo[axis] = std::max(0, k - 1);
    hi[axis] = std::min(n - 1, k + 1);
    return (f[g.index(hi[0], hi[1], hi[2])] - f[g.index(lo[0], lo[1], lo[2])]) / ((hi[axis] - lo[axis]) * g.h[axis]);
}

// Vector index j (x, y, z) lives on array axis 2 - j.
constexpr int axisOf(int j) { return 2 - j; }

Eigen::Matrix3d gradient(const std::vector<Eigen::Vector3d>& u, const NodeGrid& g, int z, int y, int x)
{
    Eigen::Matrix3d G;  // G(c, j) = d u_c / d x_j
    for (int j = 0; j < 3; ++j)
        G.col(j) = derivative(u, g, z, y, x, axisOf(j));
    return G;
}

void smooth(std::vector<Eigen::Vector3d>& u, const NodeGrid& g, double sigma)
{
    const std::array<std::size_t, 3> shape{static_cast<std::size_t>(g.n[0]), static_cast<std::size_t>(g.n[1]),
                                           static_cast<std::size_t>(g.n[2])};
    std::vector<float> c(u.size());
    for (int a = 0; a < 3; ++a) {
        for (std::size_t i = 0; i < u.size(); ++i)
            c[i] = static_cast<float>(u[i][a]);
        synth::gaussianBlur3D(c.data(), shape, {sigma, sigma, sigma});
        for (std::size_t i = 0; i < u.size(); ++i)
            u[i][a] = c[i];
    }
}

struct MaskOnNodes {
    std::vector<double> fraction;  // share of each node's cell covered by the mask
    Eigen::Vector3d centroid_um{0, 0, 0};
};

// Bins every mask voxel into the node cell containing it (by physical position).
MaskOnNodes maskOnNodes(const Volume& mask, const Grid& nodes)
{
    const Grid& mg = mask.grid();
    MaskOnNodes out;
    std::vector<double> inside(nodes.voxels(), 0.0), total(nodes.voxels(), 0.0);
    std::vector<int> bin[3];
    for (int a = 0; a < 3; ++a) {
        bin[a].resize(mg.shape[a]);
        for (std::size_t i = 0; i < mg.shape[a]; ++i) {
            const double p = mg.origin_um[a] + i * mg.spacing_um[a];
            const long k = std::lround((p - nodes.origin_um[a]) / nodes.spacing_um[a]);
            bin[a][i] = k >= 0 && k < static_cast<long>(nodes.shape[a]) ? static_cast<int>(k) : -1;
        }
    }
    Eigen::Vector3d sum = Eigen::Vector3d::Zero();
    double count = 0;
    for (std::size_t z = 0; z < mg.shape[0]; ++z)
        for (std::size_t y = 0; y < mg.shape[1]; ++y)
            for (std::size_t x = 0; x < mg.shape[2]; ++x) {
                const bool in = mask.valueAt(mg.index(z, y, x)) != 0;
                if (in) {
                    sum += Eigen::Vector3d(mg.origin_um[2] + x * mg.spacing_um[2], mg.origin_um[1] + y * mg.spacing_um[1],
                                           mg.origin_um[0] + z * mg.spacing_um[0]);
                    count += 1;
                }
                const int bz = bin[0][z], by = bin[1][y], bx = bin[2][x];
                if (bz < 0 || by < 0 || bx < 0)
                    continue;
                const std::size_t i = nodes.index(static_cast<std::size_t>(bz), static_cast<std::size_t>(by),
                                                  static_cast<std::size_t>(bx));
                total[i] += 1;
                inside[i] += in ? 1 : 0;
            }
    if (count == 0)
        throw InputError("the cell mask is empty (no non-zero voxel)");
    out.centroid_um = sum / count;
    out.fraction.resize(inside.size());
    for (std::size_t i = 0; i < inside.size(); ++i)
        out.fraction[i] = total[i] > 0 ? inside[i] / total[i] : 0.0;
    return out;
}

struct StressAtNode {
    Eigen::Matrix3d sigma = Eigen::Matrix3d::Zero();
    double energy = 0;  // strain energy density
    bool inverted = false;
};

StressAtNode stress(const Eigen::Matrix3d& G, StressModel model, double mu, double lambda)
{
    StressAtNode s;
    const Eigen::Matrix3d I = Eigen::Matrix3d::Identity();
    if (model == StressModel::LinearElastic) {
        const Eigen::Matrix3d eps = 0.5 * (G + G.transpose());
        s.sigma = lambda * eps.trace() * I + 2 * mu * eps;
        s.energy = 0.5 * (s.sigma.array() * eps.array()).sum();
        return s;
    }
    const Eigen::Matrix3d F = I + G;
    const double J = F.determinant();
    if (!(J > 0)) {
        s.inverted = true;
        return s;
    }
    const Eigen::Matrix3d B = F * F.transpose();
    const double lnJ = std::log(J);
    s.sigma = mu / J * (B - I) + lambda * lnJ / J * I;
    s.energy = 0.5 * mu * (B.trace() - 3) - mu * lnJ + 0.5 * lambda * lnJ * lnJ;
    return s;
}

Eigen::Vector3d position(const Grid& g, int z, int y, int x)
{
    return {g.origin_um[2] + x * g.spacing_um[2], g.origin_um[1] + y * g.spacing_um[1], g.origin_um[0] + z * g.spacing_um[0]};
}
} // namespace

Eigen::Vector3d forceEpicentre(const std::vector<Eigen::Vector3d>& positions, const std::vector<Eigen::Vector3d>& forces)
{
    Eigen::Matrix3d A = Eigen::Matrix3d::Zero();
    Eigen::Vector3d b = Eigen::Vector3d::Zero(), mean = Eigen::Vector3d::Zero();
    for (std::size_t i = 0; i < positions.size(); ++i) {
        const Eigen::Vector3d& f = forces[i];
        const Eigen::Matrix3d P = f.squaredNorm() * Eigen::Matrix3d::Identity() - f * f.transpose();
        A += P;
        b += P * positions[i];
        mean += positions[i];
    }
    if (!positions.empty())
        mean /= static_cast<double>(positions.size());
    Eigen::FullPivLU<Eigen::Matrix3d> lu(A);
    if (lu.rank() < 3)
        return mean;
    return lu.solve(b);
}

ElasticityResult analyseElasticity(const ElasticityInputs& in, const ProgressFn& progress, const CancelToken& cancel)
{
    const ElasticityParams& p = in.params;
    if (!(p.material.young_Pa > 0) || !std::isfinite(p.material.young_Pa))
        throw InputError("Young's modulus must be > 0 Pa");
    if (!(p.material.poisson > -1 && p.material.poisson < 0.5))
        throw InputError("Poisson ratio must lie in (-1, 0.5)");
    if (!(p.smoothingSigma_nodes >= 0))
        throw InputError("the smoothing sigma must be >= 0");
    if (!in.displacement_um || in.displacement_um->components() != 3)
        throw InputError("the displacement must be a 3-component vector field");
    const Volume& disp = *in.displacement_um;
    const Grid& grid = disp.grid();
    NodeGrid g;
    for (int a = 0; a < 3; ++a) {
        g.n[a] = static_cast<int>(grid.shape[a]);
        g.h[a] = grid.spacing_um[a];
    }
    const std::size_t n = g.size();
    std::vector<Eigen::Vector3d> u(n);
    for (std::size_t i = 0; i < n; ++i)
        u[i] = Eigen::Vector3d(disp.valueAt(3 * i), disp.valueAt(3 * i + 1), disp.valueAt(3 * i + 2));
    if (p.smoothingSigma_nodes > 0)
        smooth(u, g, p.smoothingSigma_nodes);
    const double mu = p.material.shear(), lambda = p.material.lame();

    ElasticityResult res;
    res.grid = grid;
    std::vector<Eigen::Matrix3d> sigma(n);
    std::vector<double> energy(n);
    for (int z = 0; z < g.n[0]; ++z)
        for (int y = 0; y < g.n[1]; ++y)
            for (int x = 0; x < g.n[2]; ++x) {
                const std::size_t i = g.index(z, y, x);
                const StressAtNode s = stress(gradient(u, g, z, y, x), p.model, mu, lambda);
                sigma[i] = s.sigma;
                energy[i] = s.energy;
                res.invertedNodes += s.inverted ? 1 : 0;
            }
    cancel.check();
    if (progress)
        progress(0.5, "stress");

    res.displacement_um = Volume::zeros<float>(grid, 3);
    res.strainEnergyDensity_Pa = Volume::zeros<float>(grid);
    res.forceDensity_pN_um3 = Volume::zeros<float>(grid, 3);
    res.nodalForce_pN = Volume::zeros<float>(grid, 3);
    const double nodeVolume = g.h[0] * g.h[1] * g.h[2];
    std::vector<Eigen::Vector3d> nodal(n);
    CellForceSummary& sum = res.summary;
    for (int z = 0; z < g.n[0]; ++z)
        for (int y = 0; y < g.n[1]; ++y)
            for (int x = 0; x < g.n[2]; ++x) {
                const std::size_t i = g.index(z, y, x);
                Eigen::Vector3d f = Eigen::Vector3d::Zero();  // f_c = -sum_j d sigma_cj / d x_j
                for (int j = 0; j < 3; ++j)
                    f -= derivative(sigma, g, z, y, x, axisOf(j)).col(j);
                nodal[i] = f * nodeVolume;
                for (int c = 0; c < 3; ++c) {
                    res.displacement_um.data<float>()[3 * i + c] = static_cast<float>(u[i][c]);
                    res.forceDensity_pN_um3.data<float>()[3 * i + c] = static_cast<float>(f[c]);
                    res.nodalForce_pN.data<float>()[3 * i + c] = static_cast<float>(nodal[i][c]);
                }
                res.strainEnergyDensity_Pa.data<float>()[i] = static_cast<float>(energy[i]);
                sum.maxDisplacement_um = std::max(sum.maxDisplacement_um, u[i].norm());
            }

    // Summary over all nodes: by the discrete divergence theorem the net force is the traction through
    // the field's outer faces, ~0 when the field holds the cell and the gel it deforms.
    std::vector<Eigen::Vector3d> pos, force;
    for (int z = 0; z < g.n[0]; ++z)
        for (int y = 0; y < g.n[1]; ++y)
            for (int x = 0; x < g.n[2]; ++x) {
                const std::size_t i = g.index(z, y, x);
                pos.push_back(position(grid, z, y, x));
                force.push_back(nodal[i]);
                sum.netForce_pN += nodal[i];
                sum.totalForce_pN += nodal[i].norm();
                sum.strainEnergy_pJ += energy[i] * nodeVolume * 1e-6;  // Pa µm³ = pN µm = 1e-6 pJ
            }
    sum.summaryNodes = pos.size();
    sum.netForceRatio = sum.totalForce_pN > 0 ? sum.netForce_pN.norm() / sum.totalForce_pN : 0.0;

    if (in.cellMask) {
        const MaskOnNodes m = maskOnNodes(*in.cellMask, grid);
        sum.centre_um = m.centroid_um;
        sum.centreFromMask = true;
        std::vector<Eigen::Vector3d> phi(n);  // smoothed fraction, stored as a vector for derivative()
        std::vector<float> sm(m.fraction.begin(), m.fraction.end());
        synth::gaussianBlur3D(sm.data(), grid.shape, {1.0, 1.0, 1.0});
        for (std::size_t i = 0; i < n; ++i)
            phi[i] = Eigen::Vector3d::Constant(sm[i]);
        res.traction_Pa = Volume::zeros<float>(grid, 3);
        res.surface = Volume::zeros<std::uint8_t>(grid);
        double tsum = 0;
        for (int z = 0; z < g.n[0]; ++z)
            for (int y = 0; y < g.n[1]; ++y)
                for (int x = 0; x < g.n[2]; ++x) {
                    const std::size_t i = g.index(z, y, x);
                    if (m.fraction[i] >= 0.5)
                        continue;
                    bool touches = false;  // a gel node with a cell node among its 6 neighbours
                    const int idx[3] = {z, y, x};
                    for (int a = 0; a < 3 && !touches; ++a)
                        for (int d = -1; d <= 1 && !touches; d += 2) {
                            int q[3] = {idx[0], idx[1], idx[2]};
                            q[a] += d;
                            if (q[a] >= 0 && q[a] < g.n[a] && m.fraction[g.index(q[0], q[1], q[2])] >= 0.5)
                                touches = true;
                        }
                    if (!touches)
                        continue;
                    Eigen::Vector3d grad;
                    for (int j = 0; j < 3; ++j)
                        grad[j] = derivative(phi, g, z, y, x, axisOf(j))[0];
                    if (grad.norm() == 0)
                        continue;
                    const Eigen::Vector3d normal = -grad.normalized();  // out of the cell, into the gel
                    const Eigen::Vector3d t = sigma[i] * normal;
                    for (int c = 0; c < 3; ++c)
                        res.traction_Pa.data<float>()[3 * i + c] = static_cast<float>(t[c]);
                    res.surface.data<std::uint8_t>()[i] = 1;
                    ++sum.surfaceNodes;
                    tsum += t.norm();
                    sum.maxTraction_Pa = std::max(sum.maxTraction_Pa, t.norm());
                }
        sum.meanTraction_Pa = sum.surfaceNodes ? tsum / static_cast<double>(sum.surfaceNodes) : 0.0;
    } else {
        sum.centre_um = forceEpicentre(pos, force);
    }
    for (std::size_t k = 0; k < pos.size(); ++k) {
        const Eigen::Vector3d towards = sum.centre_um - pos[k];
        if (towards.norm() > 0)
            sum.contractility_pN += force[k].dot(towards.normalized());
    }
    if (progress)
        progress(1.0, "forces");
    return res;
}

} // namespace rfx
