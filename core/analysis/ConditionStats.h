#pragma once
// Per-feature statistics across the conditions of a feature table: one-way ANOVA over all groups,
// and Student and Welch t-tests of every other group against a control group, with
// Benjamini–Hochberg adjustment. See docs/analysis-validation.md for the conventions.
#include <string>
#include <vector>

#include "core/analysis/FeatureTable.h"

namespace rfx {

struct StatsRow {
    std::string feature;
    std::string test;   // "anova", "t_student" or "t_welch"
    std::string group;  // "all" for anova, else the group compared with the control
    double statistic;   // F, or t = (mean(group) - mean(control)) / se
    double p;
    double pAdj;        // BH within one test type over all its rows (features x groups)
};

struct ConditionStats {
    std::string by;
    std::string control;
    std::vector<std::string> groups;  // in order of first appearance
    // Features by ANOVA F descending (NaN last, ties in table order); within a feature anova,
    // then t_student, then t_welch, groups in order of appearance.
    std::vector<StatsRow> rows;
    std::vector<std::string> warnings;
};

// `by` names the grouping column; `control` defaults (when empty) to a group named "control",
// else the first group to appear. Throws InputError for a missing column, fewer than two rows,
// fewer than two groups, an empty group label, an unknown control or no feature columns.
ConditionStats compareConditions(const FeatureTable& table, const std::string& by, const std::string& control = "");

// Long-format CSV: feature,test,group,statistic,p,p_adj (NaN written as an empty cell).
std::string conditionStatsCsv(const ConditionStats& stats);

} // namespace rfx
