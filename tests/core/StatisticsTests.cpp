// Statistics across conditions: textbook values computed by hand, SciPy's edge-case conventions,
// and a full comparison with SciPy (tests/tools/stats_reference.py) on generated data.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "core/analysis/ConditionStats.h"
#include "core/analysis/FeatureTable.h"
#include "core/analysis/Statistics.h"
#include "core/util/Errors.h"
#include "tests/support/CliRunner.h"
#include "tests/support/TempDir.h"

using namespace rfx;

namespace {

// REFRACTOME_SHARED_DATA is defined as "<source dir>/../shared/data" (tests/CMakeLists.txt).
std::string sourceDir()
{
    const std::string shared = REFRACTOME_SHARED_DATA, suffix = "/../shared/data";
    REQUIRE(shared.size() > suffix.size());
    REQUIRE(shared.compare(shared.size() - suffix.size(), suffix.size(), suffix) == 0);
    return shared.substr(0, shared.size() - suffix.size());
}

bool relativelyClose(double a, double b, double rel)
{
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    if (a == b)
        return true;
    return std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b));
}

// Four conditions of unequal size and spread; 24 features with effects from none to strong.
std::string generatedFeatures()
{
    std::mt19937_64 rng(20240611);
    std::normal_distribution<double> normal;
    const char* groups[] = {"drug_a", "control", "drug_b", "drug_c"};
    const int sizes[] = {25, 30, 41, 12};
    const double spread[] = {1.0, 1.0, 2.5, 0.6};
    std::ostringstream csv;
    csv.precision(17);
    csv << "cell_id,condition";
    for (int f = 0; f < 24; ++f)
        csv << ",feature_" << f;
    csv << "\n";
    int id = 0;
    for (int g = 0; g < 4; ++g)
        for (int i = 0; i < sizes[g]; ++i) {
            csv << ++id << "," << groups[g];
            for (int f = 0; f < 24; ++f) {
                const double effect = (f % 6) * 0.25 * (g == 1 ? 0 : g);  // feature 0, 6, ... have none
                csv << "," << 100.0 + f + effect + spread[g] * normal(rng);
            }
            csv << "\n";
        }
    return csv.str();
}

std::vector<std::vector<std::string>> readCsvRows(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    const FeatureTable t = FeatureTable::parse(ss.str(), path);
    std::vector<std::vector<std::string>> rows;
    for (std::size_t r = 0; r < t.rowCount(); ++r) {
        rows.emplace_back();
        for (std::size_t c = 0; c < t.columnCount(); ++c)
            rows.back().push_back(t.cell(r, c));
    }
    return rows;
}

double cellValue(const std::string& s) { return s.empty() ? std::nan("") : std::stod(s); }

} // namespace

TEST_CASE("one-way ANOVA on a textbook example", "[stats]")
{
    // Means 2, 5, 8 around 5: SSB = 3 (9 + 0 + 9) = 54 on 2 df, SSW = 2 + 2 + 2 = 6 on 6 df, F = 27.
    // For F(2, 6) the tail is (1 + 2F/6)^-3 = 10^-3.
    const AnovaResult r = oneWayAnova({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
    CHECK(r.f == Approx(27.0).epsilon(1e-12));
    CHECK(r.p == Approx(1e-3).epsilon(1e-10));
    CHECK(r.dfBetween == 2);
    CHECK(r.dfWithin == 6);
    // Order of groups and a constant shift do not matter.
    const AnovaResult shifted =
        oneWayAnova({{1e6 + 7, 1e6 + 8, 1e6 + 9}, {1e6 + 1, 1e6 + 2, 1e6 + 3}, {1e6 + 4, 1e6 + 5, 1e6 + 6}});
    CHECK(shifted.f == Approx(27.0).epsilon(1e-9));
}

TEST_CASE("ANOVA follows SciPy for constant groups and refuses a single group", "[stats]")
{
    const AnovaResult differ = oneWayAnova({{2, 2, 2}, {3, 3}});
    CHECK(std::isinf(differ.f));
    CHECK(differ.p == 0.0);
    const AnovaResult same = oneWayAnova({{2, 2}, {2, 2, 2}});
    CHECK(std::isnan(same.f));
    CHECK(std::isnan(same.p));
    CHECK(std::isnan(oneWayAnova({{1}, {2}, {3}}).f));  // no within-group degrees of freedom
    // A group of one still counts when others give within-group df: grand mean 4,
    // SSB = 3 (2 - 4)^2 + (10 - 4)^2 = 48 on 1 df, SSW = 2 on 2 df, F = 48.
    CHECK(oneWayAnova({{1, 2, 3}, {10}}).f == Approx(48.0).epsilon(1e-12));
    CHECK_THROWS_AS(oneWayAnova({{1, 2, 3}}), std::invalid_argument);
}

TEST_CASE("t-tests on hand-computed examples", "[stats]")
{
    // Two values per group: means 1 and 4, both variances 2, se = sqrt(2), t = -3 / sqrt(2), df = 2
    // for Student and (by symmetry) Welch. For 2 df the two-sided p is 1 - |t| / sqrt(2 + t^2).
    const std::vector<double> a{0, 2}, b{3, 5};
    const double t = -3.0 / std::sqrt(2.0), p = 1.0 - std::sqrt(4.5 / 6.5);
    for (const TTestResult& r : {studentTTest(a, b), welchTTest(a, b)}) {
        CHECK(r.t == Approx(t).epsilon(1e-12));
        CHECK(r.df == Approx(2.0).epsilon(1e-12));
        CHECK(r.p == Approx(p).epsilon(1e-10));
    }
    // Unequal variances: a = 1..5 (var 2.5), b = 2, 4, .., 10 (var 10). Pooled var 6.25, se sqrt(2.5);
    // Welch se sqrt(0.5 + 2) is the same, df = 2.5^2 / (0.5^2 / 4 + 2^2 / 4) = 6.25 / 1.0625.
    const std::vector<double> c{1, 2, 3, 4, 5}, d{2, 4, 6, 8, 10};
    const TTestResult s = studentTTest(c, d), w = welchTTest(c, d);
    CHECK(s.t == Approx(-3.0 / std::sqrt(2.5)).epsilon(1e-12));
    CHECK(s.df == 8.0);
    CHECK(w.t == Approx(s.t).epsilon(1e-12));
    CHECK(w.df == Approx(6.25 / 1.0625).epsilon(1e-12));
    CHECK(w.p > s.p);  // fewer degrees of freedom, heavier tails
    // Sign: group minus control.
    CHECK(studentTTest(d, c).t == Approx(-s.t));
}

TEST_CASE("t-tests are undefined for a group of one and for two constant groups", "[stats]")
{
    for (const auto& r : {studentTTest({1.0}, {1.0, 2.0, 3.0}), welchTTest({1.0, 2.0}, {4.0}),
                          studentTTest({2.0, 2.0}, {3.0, 3.0, 3.0}), welchTTest({2.0, 2.0}, {3.0, 3.0})}) {
        CHECK(std::isnan(r.t));
        CHECK(std::isnan(r.p));
    }
    // One constant group is fine: all the variance comes from the other.
    const TTestResult one = welchTTest({0.1, 0.1, 0.1}, {1.0, 2.0, 3.0});
    CHECK(one.df == Approx(2.0));
    CHECK(one.t == Approx((0.1 - 2.0) / std::sqrt(1.0 / 3.0)));
}

TEST_CASE("Benjamini-Hochberg adjustment", "[stats]")
{
    // Sorted 0.005, 0.01, 0.03, 0.04 scale to 0.02, 0.02, 0.04, 0.04 (already monotone).
    const auto adj = benjaminiHochberg({0.01, 0.04, 0.03, 0.005});
    CHECK(adj[0] == Approx(0.02));
    CHECK(adj[1] == Approx(0.04));
    CHECK(adj[2] == Approx(0.04));
    CHECK(adj[3] == Approx(0.02));
    // Monotonicity: 0.8 * 2 = 1.6 is pulled down to 0.9; NaN stays NaN and is not counted.
    const auto mono = benjaminiHochberg({0.9, 0.8, std::nan("")});
    CHECK(mono[0] == Approx(0.9));
    CHECK(mono[1] == Approx(0.9));
    CHECK(std::isnan(mono[2]));
    // Ties get equal values; never above 1.
    const auto tied = benjaminiHochberg({0.5, 0.5, 1.0, 0.02});
    CHECK(tied[0] == tied[1]);
    for (double q : tied)
        CHECK(q <= 1.0);
    CHECK(benjaminiHochberg({}).empty());
}

TEST_CASE("condition statistics: ordering, control choice and input errors", "[stats]")
{
    const std::string csv = "cell_id,condition,area,ri_mean,label\n"
                            "1,drug,10,1.36,x\n2,drug,11,1.37,y\n3,drug,12,1.365,z\n"
                            "4,control,20,1.36,x\n5,control,21,1.371,y\n6,control,22,1.364,z\n"
                            "7,other,10.5,1.36,x\n8,other,11.5,1.369,x\n";
    const ConditionStats s = compareConditions(FeatureTable::parse(csv, "t.csv"), "condition");
    CHECK(s.control == "control");  // named "control" although not first
    CHECK(s.groups == std::vector<std::string>{"drug", "control", "other"});
    REQUIRE(s.rows.size() == 2 * 5);
    CHECK(s.rows[0].feature == "area");  // largest F first
    CHECK(s.rows[0].test == "anova");
    CHECK(s.rows[0].group == "all");
    const std::vector<std::pair<std::string, std::string>> order = {
        {"anova", "all"}, {"t_student", "drug"}, {"t_student", "other"}, {"t_welch", "drug"}, {"t_welch", "other"}};
    for (std::size_t i = 0; i < 5; ++i) {
        CHECK(s.rows[i].test == order[i].first);
        CHECK(s.rows[i].group == order[i].second);
        CHECK(s.rows[5 + i].feature == "ri_mean");
    }
    CHECK(s.rows[1].statistic < 0);  // drug has the smaller area
    CHECK(s.warnings.size() == 1);   // 'label' is not numeric
    CHECK(conditionStatsCsv(s).rfind("feature,test,group,statistic,p,p_adj\narea,anova,all,", 0) == 0);

    // Without a group named control, the first group to appear is the control.
    const std::string noControl = "condition,x\nb,1\nb,2\na,5\na,6\n";
    CHECK(compareConditions(FeatureTable::parse(noControl, "n.csv"), "condition").control == "b");
    CHECK(compareConditions(FeatureTable::parse(noControl, "n.csv"), "condition", "a").rows[1].group == "b");

    const FeatureTable t = FeatureTable::parse(csv, "t.csv");
    CHECK_THROWS_WITH(compareConditions(t, "treatment"), Catch::Contains("t.csv") && Catch::Contains("treatment"));
    CHECK_THROWS_AS(compareConditions(t, "condition", "placebo"), InputError);
    CHECK_THROWS_WITH(compareConditions(FeatureTable::parse("condition,x\na,1\na,2\n", "one.csv"), "condition"),
                      Catch::Contains("two groups"));
    CHECK_THROWS_WITH(compareConditions(FeatureTable::parse("condition,x\na,1\n", "r.csv"), "condition"),
                      Catch::Contains("at least 2 rows"));
    CHECK_THROWS_AS(compareConditions(FeatureTable::parse("condition,x\na,1\n,2\n", "e.csv"), "condition"), InputError);
    CHECK_THROWS_AS(compareConditions(FeatureTable::parse("condition,name\na,p\nb,q\n", "f.csv"), "condition"),
                    InputError);  // no features
}

TEST_CASE("condition statistics match SciPy", "[stats][scipy]")
{
    if (test::runShell("/usr/bin/python3 -c 'import scipy'").exitCode != 0) {
        WARN("skipped: /usr/bin/python3 with SciPy is not available");
        return;
    }
    test::TempDir dir;
    const std::string in = dir.file("features.csv"), ref = dir.file("reference.csv");
    {
        std::ofstream(in) << generatedFeatures();
    }
    const auto py = test::runShell("/usr/bin/python3 " + test::quoted(sourceDir() + "/tests/tools/stats_reference.py") +
                                   " " + test::quoted(in) + " --by condition -o " + test::quoted(ref));
    INFO(py.err);
    REQUIRE(py.exitCode == 0);

    const ConditionStats mine = compareConditions(FeatureTable::read(in), "condition");
    const auto theirs = readCsvRows(ref);
    REQUIRE(theirs.size() == mine.rows.size());
    REQUIRE(mine.rows.size() == 24 * 7);
    std::size_t significant = 0;
    for (std::size_t i = 0; i < theirs.size(); ++i) {
        const StatsRow& r = mine.rows[i];
        INFO(r.feature << " " << r.test << " " << r.group);
        CHECK(r.feature == theirs[i][0]);  // same order: features by F, then test, then group
        CHECK(r.test == theirs[i][1]);
        CHECK(r.group == theirs[i][2]);
        CHECK(relativelyClose(r.statistic, cellValue(theirs[i][3]), 1e-6));
        CHECK(relativelyClose(r.p, cellValue(theirs[i][4]), 1e-6));
        CHECK(relativelyClose(r.pAdj, cellValue(theirs[i][5]), 1e-6));
        significant += r.pAdj < 1e-3;
    }
    // The data span null to strong effects, so the comparison covers both ends of the p range.
    CHECK(significant > 20);
    CHECK(significant < mine.rows.size() - 20);
}
