#include "core/analysis/Umap.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "core/analysis/NearestNeighbors.h"

// uwot's optimiser core (BSD-2); these headers define non-inline functions, so only this file
// may include them.
#include <uwot/epoch.h>
#include <uwot/gradient.h>
#include <uwot/smooth_knn.h>
#include <uwot/tauprng.h>

namespace rfx {

namespace {

// umap-learn's constants for the smooth kNN distance search.
constexpr double kSmoothTolerance = 1e-5;
constexpr std::size_t kSmoothIterations = 64;
constexpr double kMinKDistScale = 1e-3;

std::uint64_t splitMix64(std::uint64_t& state)
{
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// uwot asks its RNG factory for fresh tau-PRNG states every epoch; R's uwot draws them from R's
// RNG, here they come from one SplitMix64 stream started at the user's seed.
class SeededTauFactory {
public:
    explicit SeededTauFactory(std::size_t) {}
    void seed(std::uint64_t s) { state_ = s; }
    void reseed()
    {
        s0_ = splitMix64(state_) >> 33;  // tau states are 32-bit
        s1_ = splitMix64(state_) >> 33;
    }
    uwot::tau_prng create(std::size_t key) const { return uwot::tau_prng(s0_, s1_, key); }

private:
    std::uint64_t state_ = 0, s0_ = 0, s1_ = 0;
};

// One thread: the order of SGD updates, hence the result, is fixed.
struct SerialLoop {
    template <typename Worker> void pfor(std::size_t n, Worker& worker) { worker(0, n, 0); }
};

struct EpochProgress {
    const ProgressFn& fn;
    const CancelToken& cancel;
    std::size_t epochs;
    std::size_t done = 0;
    bool is_aborted() const { return cancel.cancelled(); }
    void report()
    {
        ++done;
        if (fn && (done % 10 == 0 || done == epochs))
            fn(0.2 + 0.8 * double(done) / double(epochs),
               "epoch " + std::to_string(done) + "/" + std::to_string(epochs));
    }
};

struct Graph {
    std::vector<unsigned int> head, tail;
    std::vector<double> weight;
};

// Fuzzy union of the directed membership graph: w = w_ij + w_ji - w_ij * w_ji, edges sorted by
// (head, tail) like the COO matrix umap-learn optimises over.
Graph fuzzyUnion(const NeighborGraph& knn, const std::vector<double>& membership)
{
    struct Entry {
        std::size_t i, j;
        bool transposed;
        double w;
    };
    std::vector<Entry> entries;
    const std::size_t n = knn.index.size() / knn.k;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t m = 1; m < knn.k; ++m) {  // column 0 is the point itself
            const double w = membership[i * knn.k + m];
            if (w <= 0)
                continue;
            const std::size_t j = knn.index[i * knn.k + m];
            entries.push_back({i, j, false, w});
            entries.push_back({j, i, true, w});
        }
    std::sort(entries.begin(), entries.end(), [](const Entry& x, const Entry& y) {
        return std::tie(x.i, x.j, x.transposed) < std::tie(y.i, y.j, y.transposed);
    });
    Graph g;
    for (std::size_t e = 0; e < entries.size();) {
        double forward = 0, backward = 0;
        std::size_t f = e;
        for (; f < entries.size() && entries[f].i == entries[e].i && entries[f].j == entries[e].j; ++f)
            (entries[f].transposed ? backward : forward) = entries[f].w;
        g.head.push_back(static_cast<unsigned int>(entries[e].i));
        g.tail.push_back(static_cast<unsigned int>(entries[e].j));
        g.weight.push_back(forward + backward - forward * backward);
        e = f;
    }
    return g;
}

// umap-learn starts from a spectral layout; we start from the leading principal components
// (cheap, deterministic, no sparse eigensolver needed), scaled to [0, 10] as umap-learn scales
// its start. A component without spread gets seeded uniform coordinates.
Eigen::MatrixXd pcaStart(const Eigen::MatrixXd& x, int components, std::uint64_t seed)
{
    const Eigen::MatrixXd centered = x.rowwise() - x.colwise().mean();
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(centered.transpose() * centered);
    const Eigen::Index d = x.cols();
    Eigen::MatrixXd out = Eigen::MatrixXd::Zero(x.rows(), components);
    std::uint64_t state = seed ^ 0x5DEECE66Dull;
    for (Eigen::Index c = 0; c < components; ++c) {
        if (c < d) {
            Eigen::VectorXd v = eig.eigenvectors().col(d - 1 - c);
            Eigen::Index big;
            v.cwiseAbs().maxCoeff(&big);
            if (v(big) < 0)  // fix the eigenvector's arbitrary sign
                v = -v;
            out.col(c) = centered * v;
        }
        const double lo = out.col(c).minCoeff(), hi = out.col(c).maxCoeff();
        if (hi - lo > 1e-12 * std::max(1.0, std::fabs(hi)))
            out.col(c) = (out.col(c).array() - lo) * (10.0 / (hi - lo));
        else
            for (Eigen::Index i = 0; i < out.rows(); ++i)
                out(i, c) = 10.0 * double(splitMix64(state) >> 11) * 0x1.0p-53;
    }
    return out;
}

} // namespace

std::pair<double, double> umapCurveParameters(double minDist, double spread)
{
    if (!(spread > 0) || !(minDist >= 0) || minDist > spread)
        throw std::invalid_argument("UMAP: need 0 <= min_dist <= spread and spread > 0");
    constexpr int m = 300;
    std::vector<double> x(m), y(m);
    for (int i = 0; i < m; ++i) {
        x[i] = 3.0 * spread * i / (m - 1);
        y[i] = x[i] < minDist ? 1.0 : std::exp(-(x[i] - minDist) / spread);
    }
    auto cost = [&](double a, double b) {
        double s = 0;
        for (int i = 0; i < m; ++i) {
            const double r = 1.0 / (1.0 + a * std::pow(x[i], 2 * b)) - y[i];
            s += r * r;
        }
        return s;
    };
    // Levenberg–Marquardt from (1, 1), SciPy curve_fit's start, with the analytic Jacobian.
    double a = 1, b = 1, lambda = 1e-3, c = cost(a, b);
    for (int it = 0; it < 1000 && lambda < 1e12; ++it) {
        Eigen::Matrix2d jtj = Eigen::Matrix2d::Zero();
        Eigen::Vector2d jtr = Eigen::Vector2d::Zero();
        for (int i = 1; i < m; ++i) {  // x = 0 contributes no gradient
            const double p = std::pow(x[i], 2 * b), f = 1.0 / (1.0 + a * p);
            const Eigen::Vector2d j(-p * f * f, -a * p * 2.0 * std::log(x[i]) * f * f);
            jtj += j * j.transpose();
            jtr += j * (f - y[i]);
        }
        Eigen::Matrix2d damped = jtj;
        damped.diagonal() *= 1.0 + lambda;
        const Eigen::Vector2d step = damped.ldlt().solve(-jtr);
        const double trial = cost(a + step(0), b + step(1));
        if (trial < c) {
            a += step(0);
            b += step(1);
            const bool converged = c - trial <= 1e-15 * c || step.norm() <= 1e-13 * (std::fabs(a) + std::fabs(b));
            c = trial;
            lambda *= 0.1;
            if (converged)
                break;
        } else {
            lambda *= 10;
        }
    }
    return {a, b};
}

Eigen::MatrixXd umapEmbed(const Eigen::MatrixXd& data, const UmapParams& p, const ProgressFn& progress,
                          const CancelToken& cancel)
{
    const std::size_t n = std::size_t(data.rows());
    if (n < 2)
        throw std::invalid_argument("UMAP: needs at least 2 points");
    if (p.neighbors < 2 || p.components < 1 || p.epochs < 0 || !(p.negativeSampleRate > 0))
        throw std::invalid_argument("UMAP: neighbors >= 2, components >= 1, epochs >= 0, negative rate > 0");
    const auto [a, b] = umapCurveParameters(p.minDist, p.spread);
    const std::size_t k = std::min<std::size_t>(std::size_t(p.neighbors), n);
    const std::size_t epochs = p.epochs > 0 ? std::size_t(p.epochs) : (n <= 10000 ? 500 : 200);

    const NeighborGraph knn = nearestNeighbors(data, k, p.exactNeighborLimit, cancel);
    if (progress)
        progress(0.15, "neighbours");

    std::vector<double> membership(n * k), sigmas, rhos;
    std::atomic_size_t searchFails{0};
    double meanDistance = 0;
    for (double d : knn.distance)
        meanDistance += d / double(knn.distance.size());
    uwot::smooth_knn(0, n, knn.distance, {k}, true, {std::log2(double(k))}, 1.0, kSmoothTolerance, kSmoothIterations,
                     kMinKDistScale, meanDistance, false, membership, sigmas, rhos, searchFails);
    Graph graph = fuzzyUnion(knn, membership);

    // Edges too weak to be sampled even once are dropped; the rest are sampled every max/w epochs.
    std::vector<unsigned int> head, tail;
    std::vector<float> epochsPerSample;
    const double maxWeight =
        graph.weight.empty() ? 0.0 : *std::max_element(graph.weight.begin(), graph.weight.end());
    for (std::size_t e = 0; e < graph.weight.size(); ++e)
        if (graph.weight[e] >= maxWeight / double(epochs)) {
            head.push_back(graph.head[e]);
            tail.push_back(graph.tail[e]);
            epochsPerSample.push_back(static_cast<float>(maxWeight / graph.weight[e]));
        }

    const std::size_t dims = std::size_t(p.components);
    const Eigen::MatrixXd start = pcaStart(data, p.components, p.seed);
    std::vector<float> embedding(n * dims);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t d = 0; d < dims; ++d)
            embedding[i * dims + d] = static_cast<float>(start(Eigen::Index(i), Eigen::Index(d)));
    if (progress)
        progress(0.2, "layout");

    using Update = uwot::InPlaceUpdate<true>;
    const uwot::umap_gradient gradient(float(a), float(b), 1.0f);
    uwot::Sampler sampler(epochsPerSample, float(p.negativeSampleRate));
    Update update(embedding, embedding, 1.0f, new uwot::DoNothingCallback());
    uwot::EdgeWorker<uwot::umap_gradient, Update, SeededTauFactory> worker(gradient, update, head, tail, sampler, dims,
                                                                          n, 1);
    worker.rng_factory.seed(p.seed);
    SerialLoop loop;
    EpochProgress epochProgress{progress, cancel, epochs};
    uwot::optimize_layout(worker, epochProgress, static_cast<unsigned int>(epochs), loop);
    cancel.check();

    Eigen::MatrixXd out(data.rows(), p.components);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t d = 0; d < dims; ++d)
            out(Eigen::Index(i), Eigen::Index(d)) = embedding[i * dims + d];
    return out;
}

} // namespace rfx
