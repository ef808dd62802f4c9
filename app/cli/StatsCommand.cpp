#include <iostream>

#include "app/cli/Commands.h"
#include "core/analysis/ConditionStats.h"
#include "core/analysis/FeatureTable.h"
#include "core/io/AtomicFile.h"
#include "core/io/CsvWriter.h"
#include "core/util/Errors.h"

namespace rfx::cli {

CommandSpec statsSpec()
{
    CommandSpec s;
    s.name = "stats";
    s.usage = "stats FEATURES.csv --by COLUMN [--control NAME] -o STATS.csv";
    s.summary = "Per-feature ANOVA across conditions and t-tests against a control, with BH-adjusted p.";
    s.details =
        "Groups the cells of a feature table by COLUMN and tests every numeric feature: one-way ANOVA over\n"
        "all groups (group 'all'), and unpaired two-sided Student (pooled variance) and Welch t-tests of each\n"
        "other group against the control, t = (mean(group) - mean(control)) / se. p_adj is the\n"
        "Benjamini-Hochberg adjustment within each test type over all its rows. --control defaults to a\n"
        "group named 'control', else the first group in the file.\n"
        "STATS.csv: feature,test,group,statistic,p,p_adj with test anova, t_student or t_welch; features by\n"
        "ANOVA F descending, then anova, t_student, t_welch, groups in order of appearance. Undefined\n"
        "tests (a group with fewer than two cells, both groups constant) have empty statistic and p.";
    s.options = {{"output", true, "output CSV", "STATS.csv"},
                 {"by", true, "column holding the condition of each cell", "COLUMN"},
                 {"control", true, "the reference group for t-tests", "NAME"}};
    s.minPositional = s.maxPositional = 1;
    return s;
}

int runStats(const ParsedArgs& args)
{
    const std::string in = args.positional[0];
    if (!args.has("output"))
        throw InputError("stats: missing -o STATS.csv");
    if (!args.has("by") || args.get("by").empty())
        throw InputError("stats: missing --by COLUMN");
    const std::string out = args.get("output");
    checkWritableDestination(out);

    const FeatureTable table = FeatureTable::read(in);
    const ConditionStats stats = compareConditions(table, args.get("by"), args.get("control"));
    for (const auto& w : stats.warnings)
        std::cerr << "stats: warning: " << w << "\n";
    writeTextFileAtomic(out, conditionStatsCsv(stats));
    std::cerr << "wrote " << out << " (" << stats.groups.size() << " groups, control '" << stats.control << "', "
              << stats.rows.size() << " rows)\n";
    return kExitOk;
}

} // namespace rfx::cli
