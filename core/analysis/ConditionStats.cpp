#include "core/analysis/ConditionStats.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/analysis/Statistics.h"
#include "core/io/CsvWriter.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {

struct FeatureResult {
    std::string name;
    AnovaResult anova;
    std::vector<TTestResult> student, welch;  // per non-control group
};

std::string joined(const std::vector<std::string>& v)
{
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : ", ") + x;
    return s;
}

} // namespace

ConditionStats compareConditions(const FeatureTable& table, const std::string& by, const std::string& control)
{
    const std::string& src = table.source();
    const int byCol = table.columnIndex(by);
    if (byCol < 0)
        throw inputError(src, "no column '" + by + "' to group by (columns: " + joined(table.columns()) + ")");
    table.requireRows(2, "stats");

    ConditionStats out;
    out.by = by;
    std::map<std::string, std::size_t> groupIndex;
    std::vector<std::size_t> rowGroup(table.rowCount());
    for (std::size_t r = 0; r < table.rowCount(); ++r) {
        const std::string& label = table.cell(r, std::size_t(byCol));
        if (label.empty())
            throw inputError(src, "row " + std::to_string(r + 1) + ": empty '" + by + "'");
        auto [it, added] = groupIndex.emplace(label, out.groups.size());
        if (added)
            out.groups.push_back(label);
        rowGroup[r] = it->second;
    }
    if (out.groups.size() < 2)
        throw inputError(src, "stats needs at least two groups in '" + by + "', found only '" + out.groups[0] + "'");
    if (!control.empty()) {
        if (!groupIndex.count(control))
            throw inputError(src, "no group '" + control + "' in '" + by + "' (groups: " + joined(out.groups) + ")");
        out.control = control;
    } else {
        out.control = groupIndex.count("control") ? "control" : out.groups[0];
    }
    const std::size_t controlIdx = groupIndex.at(out.control);

    std::vector<std::size_t> features;
    for (std::size_t c : table.featureColumns())
        if (c != std::size_t(byCol))
            features.push_back(c);
    if (features.empty())
        throw inputError(src, "no numeric feature columns to test");
    for (std::size_t c : table.nonNumericColumns())
        if (c != std::size_t(byCol))
            out.warnings.push_back("column '" + table.columns()[c] + "' is not numeric; not tested");

    std::vector<FeatureResult> results;
    for (std::size_t c : features) {
        std::vector<std::vector<double>> groups(out.groups.size());
        const auto& v = table.values(c);
        for (std::size_t r = 0; r < v.size(); ++r)
            groups[rowGroup[r]].push_back(v[r]);
        FeatureResult fr;
        fr.name = table.columns()[c];
        fr.anova = oneWayAnova(groups);
        for (std::size_t g = 0; g < groups.size(); ++g) {
            if (g == controlIdx)
                continue;
            fr.student.push_back(studentTTest(groups[g], groups[controlIdx]));
            fr.welch.push_back(welchTTest(groups[g], groups[controlIdx]));
        }
        if (std::isnan(fr.anova.f))
            out.warnings.push_back("feature '" + fr.name +
                                   "': ANOVA undefined (constant values, or one cell per group)");
        results.push_back(std::move(fr));
    }
    std::stable_sort(results.begin(), results.end(), [](const FeatureResult& a, const FeatureResult& b) {
        if (std::isnan(b.anova.f))
            return !std::isnan(a.anova.f);
        return a.anova.f > b.anova.f;
    });

    std::vector<std::string> others;
    for (std::size_t g = 0; g < out.groups.size(); ++g)
        if (g != controlIdx)
            others.push_back(out.groups[g]);
    for (const auto& fr : results) {
        out.rows.push_back({fr.name, "anova", "all", fr.anova.f, fr.anova.p, 0});
        for (std::size_t g = 0; g < others.size(); ++g)
            out.rows.push_back({fr.name, "t_student", others[g], fr.student[g].t, fr.student[g].p, 0});
        for (std::size_t g = 0; g < others.size(); ++g)
            out.rows.push_back({fr.name, "t_welch", others[g], fr.welch[g].t, fr.welch[g].p, 0});
    }
    // One BH family per test type: all features (and, for t-tests, all compared groups).
    for (const char* test : {"anova", "t_student", "t_welch"}) {
        std::vector<std::size_t> idx;
        std::vector<double> p;
        for (std::size_t i = 0; i < out.rows.size(); ++i)
            if (out.rows[i].test == test) {
                idx.push_back(i);
                p.push_back(out.rows[i].p);
            }
        const auto adj = benjaminiHochberg(p);
        for (std::size_t i = 0; i < idx.size(); ++i)
            out.rows[idx[i]].pAdj = adj[i];
    }
    return out;
}

std::string conditionStatsCsv(const ConditionStats& stats)
{
    CsvWriter w({"feature", "test", "group", "statistic", "p", "p_adj"});
    for (const auto& r : stats.rows)
        w.addRow({r.feature, r.test, r.group, CsvWriter::number(r.statistic), CsvWriter::number(r.p),
                  CsvWriter::number(r.pAdj)});
    return w.text();
}

} // namespace rfx
