#pragma once
// Classical tests for comparing conditions, defined as SciPy defines them (scipy.stats.f_oneway,
// scipy.stats.ttest_ind) so results can be checked against it; p-values from Boost.Math.
#include <limits>
#include <vector>

namespace rfx {

struct AnovaResult {
    double f = std::numeric_limits<double>::quiet_NaN();
    double p = std::numeric_limits<double>::quiet_NaN();
    double dfBetween = 0;
    double dfWithin = 0;
};

// One-way ANOVA over k >= 2 groups (std::invalid_argument otherwise; empty groups are ignored).
// Like SciPy: every group constant -> F = inf, p = 0 when the constants differ, NaN when all are
// equal; no within-group degrees of freedom (every group has one value) -> NaN.
AnovaResult oneWayAnova(const std::vector<std::vector<double>>& groups);

struct TTestResult {
    double t = std::numeric_limits<double>::quiet_NaN();
    double p = std::numeric_limits<double>::quiet_NaN();
    double df = std::numeric_limits<double>::quiet_NaN();
};

// Unpaired two-sided t-tests of a against b: t = (mean(a) - mean(b)) / standard error.
// Undefined (t, p, df all NaN) when a group has fewer than 2 values (no sample variance) or both
// groups are constant (zero standard error).
TTestResult studentTTest(const std::vector<double>& a, const std::vector<double>& b);  // pooled variance
TTestResult welchTTest(const std::vector<double>& a, const std::vector<double>& b);    // Welch–Satterthwaite df

// Benjamini–Hochberg adjusted p-values (step-up, monotone, capped at 1) over the non-NaN entries;
// NaN entries stay NaN and do not count towards the family size.
std::vector<double> benjaminiHochberg(const std::vector<double>& p);

} // namespace rfx
