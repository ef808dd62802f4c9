#include "core/analysis/Statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/students_t.hpp>

namespace rfx {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); }

// Two-pass sum of squared deviations: no cancellation for data far from zero.
double sumSquares(const std::vector<double>& v, double m)
{
    double s = 0;
    for (double x : v)
        s += (x - m) * (x - m);
    return s;
}

// Exactly constant, tested on the values rather than on a variance that rounding may leave non-zero.
bool constant(const std::vector<double>& v)
{
    return std::all_of(v.begin(), v.end(), [&](double x) { return x == v.front(); });
}

double twoSidedP(double t, double df)
{
    if (std::isinf(t))
        return 0.0;
    return 2.0 * boost::math::cdf(boost::math::complement(boost::math::students_t(df), std::fabs(t)));
}

} // namespace

AnovaResult oneWayAnova(const std::vector<std::vector<double>>& input)
{
    std::vector<const std::vector<double>*> groups;
    for (const auto& g : input)
        if (!g.empty())
            groups.push_back(&g);
    if (groups.size() < 2)
        throw std::invalid_argument("oneWayAnova: needs at least two non-empty groups");
    AnovaResult r;
    double n = 0, total = 0;
    for (const auto* g : groups) {
        n += double(g->size());
        total += std::accumulate(g->begin(), g->end(), 0.0);
    }
    const double k = double(groups.size());
    r.dfBetween = k - 1;
    r.dfWithin = n - k;
    const double grand = total / n;
    double between = 0, within = 0;
    bool allConstant = true;
    for (const auto* g : groups) {
        const double m = mean(*g);
        between += double(g->size()) * (m - grand) * (m - grand);
        within += sumSquares(*g, m);
        allConstant = allConstant && constant(*g);
    }
    if (allConstant) {
        const bool allEqual = std::all_of(groups.begin(), groups.end(),
                                          [&](const auto* g) { return g->front() == groups.front()->front(); });
        if (!allEqual && r.dfWithin > 0) {
            r.f = std::numeric_limits<double>::infinity();
            r.p = 0.0;
        }
        return r;
    }
    if (r.dfWithin < 1)
        return r;
    r.f = (between / r.dfBetween) / (within / r.dfWithin);
    r.p = boost::math::cdf(boost::math::complement(boost::math::fisher_f(r.dfBetween, r.dfWithin), r.f));
    return r;
}

TTestResult studentTTest(const std::vector<double>& a, const std::vector<double>& b)
{
    TTestResult r;
    if (a.size() < 2 || b.size() < 2 || (constant(a) && constant(b)))
        return r;
    const double na = double(a.size()), nb = double(b.size());
    const double ma = mean(a), mb = mean(b);
    r.df = na + nb - 2;
    const double pooled = (sumSquares(a, ma) + sumSquares(b, mb)) / r.df;
    r.t = (ma - mb) / std::sqrt(pooled * (1.0 / na + 1.0 / nb));
    r.p = twoSidedP(r.t, r.df);
    return r;
}

TTestResult welchTTest(const std::vector<double>& a, const std::vector<double>& b)
{
    TTestResult r;
    if (a.size() < 2 || b.size() < 2 || (constant(a) && constant(b)))
        return r;
    const double na = double(a.size()), nb = double(b.size());
    const double ma = mean(a), mb = mean(b);
    const double va = sumSquares(a, ma) / (na - 1) / na;  // squared standard error of each mean
    const double vb = sumSquares(b, mb) / (nb - 1) / nb;
    r.df = (va + vb) * (va + vb) / (va * va / (na - 1) + vb * vb / (nb - 1));
    r.t = (ma - mb) / std::sqrt(va + vb);
    r.p = twoSidedP(r.t, r.df);
    return r;
}

std::vector<double> benjaminiHochberg(const std::vector<double>& p)
{
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < p.size(); ++i)
        if (!std::isnan(p[i]))
            order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return p[x] < p[y]; });
    std::vector<double> adj(p.size(), kNaN);
    const double m = double(order.size());
    double running = 1.0;
    for (std::size_t r = order.size(); r-- > 0;) {
        running = std::min(running, p[order[r]] * m / double(r + 1));
        adj[order[r]] = running;
    }
    return adj;
}

} // namespace rfx
