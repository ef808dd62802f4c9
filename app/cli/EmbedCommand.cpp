#include <iostream>

#include "app/cli/Commands.h"
#include "core/analysis/FeatureMatrix.h"
#include "core/analysis/FeatureTable.h"
#include "core/analysis/Umap.h"
#include "core/io/AtomicFile.h"
#include "core/io/CsvWriter.h"
#include "core/util/Errors.h"

namespace rfx::cli {

CommandSpec embedSpec()
{
    CommandSpec s;
    s.name = "embed";
    s.usage = "embed FEATURES.csv -o UMAP.csv [--neighbors K] [--min-dist D] [--seed S]";
    s.summary = "UMAP of z-scored per-cell features: two coordinates per cell.";
    s.details =
        "Reads a per-cell feature table (CSV with a header row), z-scores every numeric feature column and\n"
        "embeds the cells in 2-D with UMAP (Euclidean, 5 neighbours and min_dist 0.5 by default, as in the\n"
        "RI2FL single-cell profiling). Identifier columns (source_file, file, frame, time_s, cell_id,\n"
        "track_id, condition, centroid_*_um; a row index with an empty, 'Unnamed: N' or 'index' header)\n"
        "and non-numeric columns are not features; constant columns are dropped with a warning.\n"
        "Missing values in a feature column are an error.\n"
        "UMAP.csv has the input's rows in order, their non-feature columns, then umap_1 and umap_2.\n"
        "The same --seed gives the same bytes.";
    s.options = {{"output", true, "output CSV", "UMAP.csv"},
                 {"neighbors", true, "neighbours per cell, itself included (default 5)", "K"},
                 {"min-dist", true, "minimum distance in the embedding, 0 to 1 (default 0.5)", "D"},
                 {"seed", true, "random seed (default 1)", "S"},
                 {"quiet", false, "no progress bar"}};
    s.minPositional = s.maxPositional = 1;
    return s;
}

int runEmbed(const ParsedArgs& args)
{
    const std::string in = args.positional[0];
    if (!args.has("output"))
        throw InputError("embed: missing -o UMAP.csv");
    const std::string out = args.get("output");
    UmapParams p;
    const long long neighbors = args.getInt("neighbors", p.neighbors);
    if (neighbors < 2 || neighbors > 200)
        throw InputError("--neighbors: must be between 2 and 200");
    p.neighbors = int(neighbors);
    p.minDist = args.getDouble("min-dist", p.minDist);
    if (!(p.minDist >= 0 && p.minDist <= p.spread))
        throw InputError("--min-dist: must lie in [0, 1]");
    const long long seed = args.getInt("seed", static_cast<long long>(p.seed));
    if (seed < 0)
        throw InputError("--seed: must be >= 0");
    p.seed = static_cast<std::uint64_t>(seed);
    checkWritableDestination(out);

    const FeatureTable table = FeatureTable::read(in);
    table.requireRows(2, "embed");
    const FeatureMatrix features = zScoredFeatures(table);
    for (const auto& w : features.warnings)
        std::cerr << "embed: warning: " << w << "\n";

    InterruptGuard interrupt;
    ProgressBar bar("embed", args.has("quiet"));
    const Eigen::MatrixXd xy = umapEmbed(features.values, p, bar.callback(), interrupt.token());
    bar.finish();

    const auto keep = table.nonFeatureColumns();
    std::vector<std::string> header;
    for (std::size_t c : keep)
        header.push_back(table.columns()[c]);
    header.push_back("umap_1");
    header.push_back("umap_2");
    CsvWriter csv(header);
    for (std::size_t r = 0; r < table.rowCount(); ++r) {
        std::vector<std::string> row;
        for (std::size_t c : keep)
            row.push_back(table.cell(r, c));
        row.push_back(CsvWriter::number(xy(Eigen::Index(r), 0)));
        row.push_back(CsvWriter::number(xy(Eigen::Index(r), 1)));
        csv.addRow(row);
    }
    csv.save(out);
    std::cerr << "wrote " << out << " (" << table.rowCount() << " cells, " << features.names.size()
              << " features)\n";
    return kExitOk;
}

} // namespace rfx::cli
