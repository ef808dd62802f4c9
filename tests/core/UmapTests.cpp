// UMAP and its measures: the a/b curve against umap-learn, exact neighbours against brute force,
// trustworthiness against a hand-checked case, and embeddings of separated blobs that are
// trustworthy and reproducible bit for bit.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>

#include "core/analysis/NearestNeighbors.h"
#include "core/analysis/Trustworthiness.h"
#include "core/analysis/Umap.h"

using namespace rfx;

namespace {

// `clusters` Gaussian blobs (sd 1) with centres 8 apart on random axes.
Eigen::MatrixXd blobs(int n, int dims, int clusters, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd centres = Eigen::MatrixXd::Zero(clusters, dims);
    for (int c = 0; c < clusters; ++c)
        centres(c, c % dims) = 8.0 * (1 + c / dims);
    Eigen::MatrixXd x(n, dims);
    for (int i = 0; i < n; ++i)
        for (int d = 0; d < dims; ++d)
            x(i, d) = centres(i % clusters, d) + normal(rng);
    return x;
}

} // namespace

TEST_CASE("UMAP curve parameters match umap-learn's find_ab_params", "[umap]")
{
    // umap.umap_.find_ab_params(1.0, min_dist) from umap-learn 0.5.3 (SciPy curve_fit).
    const auto [a05, b05] = umapCurveParameters(0.5, 1.0);
    CHECK(a05 == Approx(0.5830300205483709).epsilon(1e-6));
    CHECK(b05 == Approx(1.334166992455648).epsilon(1e-6));
    const auto [a01, b01] = umapCurveParameters(0.1, 1.0);
    CHECK(a01 == Approx(1.5769434604035877).epsilon(1e-6));
    CHECK(b01 == Approx(0.8950608780665811).epsilon(1e-6));
    CHECK_THROWS_AS(umapCurveParameters(1.5, 1.0), std::invalid_argument);
}

TEST_CASE("exact nearest neighbours agree with brute force; self comes first", "[umap]")
{
    const Eigen::MatrixXd x = blobs(150, 7, 3, 11);
    const NeighborGraph g = nearestNeighbors(x, 6, 1000);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        std::vector<std::pair<double, Eigen::Index>> all;
        for (Eigen::Index j = 0; j < x.rows(); ++j)
            if (j != i)
                all.emplace_back((x.row(i) - x.row(j)).norm(), j);
        std::sort(all.begin(), all.end());
        CHECK(g.index[i * 6] == std::size_t(i));
        CHECK(g.distance[i * 6] == 0.0);
        for (std::size_t m = 1; m < 6; ++m) {
            CHECK(g.index[i * 6 + m] == std::size_t(all[m - 1].second));
            CHECK(g.distance[i * 6 + m] == Approx(all[m - 1].first));
        }
    }
    // Duplicated points: self still first.
    Eigen::MatrixXd dup(3, 2);
    dup << 1, 1, 1, 1, 5, 5;
    const NeighborGraph d = nearestNeighbors(dup, 2, 10);
    CHECK(d.index == std::vector<std::size_t>{0, 1, 1, 0, 2, 0});
}

TEST_CASE("trustworthiness of a hand-checked embedding", "[umap]")
{
    // Points 0..6 on a line; the embedding swaps 4 and 6. With k = 2 the embedding's neighbours that
    // are not input neighbours: 6 for point 3 (input rank 6, penalty 4), 6 for point 4 (rank 4,
    // penalty 2), 3 for point 6 (rank 3, penalty 1). T = 1 - 7 * 2 / (7 * 2 * (14 - 6 - 1)) = 6/7,
    // as sklearn.manifold.trustworthiness gives.
    Eigen::MatrixXd x(7, 1), y(7, 1);
    x << 0, 1, 2, 3, 4, 5, 6;
    y << 0, 1, 2, 3, 6, 5, 4;
    CHECK(trustworthiness(x, y, 2) == Approx(6.0 / 7.0).epsilon(1e-12));
    CHECK(trustworthiness(x, x, 2) == 1.0);
    CHECK_THROWS_AS(trustworthiness(x, y, 4), std::invalid_argument);
}

TEST_CASE("UMAP separates blobs trustworthily and reproducibly", "[umap]")
{
    const Eigen::MatrixXd x = blobs(600, 20, 4, 3);
    UmapParams p;
    p.seed = 7;
    const Eigen::MatrixXd y = umapEmbed(x, p);
    REQUIRE(y.rows() == 600);
    REQUIRE(y.cols() == 2);
    CHECK(y.allFinite());
    CHECK(trustworthiness(x, y, 5) > 0.9);
    CHECK(trustworthiness(x, y, 10) > 0.9);

    // Same seed: identical bits; another seed: a different layout.
    const Eigen::MatrixXd again = umapEmbed(x, p);
    CHECK(std::memcmp(y.data(), again.data(), sizeof(double) * std::size_t(y.size())) == 0);
    p.seed = 8;
    CHECK((umapEmbed(x, p) - y).cwiseAbs().maxCoeff() > 1e-3);

    // The approximate (hnswlib) neighbour search used for large tables is reproducible too.
    p.exactNeighborLimit = 0;
    const Eigen::MatrixXd approx = umapEmbed(x, p);
    CHECK(trustworthiness(x, approx, 5) > 0.9);
    CHECK(approx == umapEmbed(x, p));
}

TEST_CASE("UMAP handles tiny inputs, reports progress and can be cancelled", "[umap]")
{
    Eigen::MatrixXd x(3, 2);
    x << 0, 0, 1, 0, 0, 1;
    UmapParams p;
    p.epochs = 50;
    const Eigen::MatrixXd y = umapEmbed(x, p);  // fewer points than neighbours
    CHECK(y.allFinite());
    CHECK_THROWS_AS(umapEmbed(Eigen::MatrixXd::Zero(1, 3), p), std::invalid_argument);

    double last = 0;
    const Eigen::MatrixXd b = blobs(120, 5, 2, 5);
    umapEmbed(b, p, [&](double f, const std::string&) { last = f; });
    CHECK(last == 1.0);
    CancelToken cancel;
    cancel.cancel();
    CHECK_THROWS_AS(umapEmbed(b, p, {}, cancel), CancelledError);
}
