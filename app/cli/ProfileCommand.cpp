#include <cstdio>
#include <filesystem>

#include "app/cli/Commands.h"
#include "core/io/AtomicFile.h"
#include "core/profiling/DatasetProfiler.h"
#include "core/profiling/FeatureCatalog.h"
#include "core/util/Errors.h"

namespace rfx::cli {

CommandSpec profileSpec()
{
    CommandSpec s;
    s.name = "profile";
    s.usage = "profile IN.h5... -o features.csv|features.h5 [--condition NAME] [--exclude-border] [--otsu]";
    s.summary = "Measure the 65 single-cell features of every cell in every frame, with tracking through time.";
    s.details =
        "Each IN holds RI and the six predicted (or measured) fluorescence channels: the output of predict,\n"
        "or of segment (whose cell_labels, nucleus_labels and organelle masks are then used as they are;\n"
        "otherwise each frame is segmented as `segment` would). One row per cell per frame: source_file,\n"
        "frame, time_s, cell_id, track_id, parent_id (the mother's track after a division), condition,\n"
        "centroid (µm), touches_border, then the 65 features (docs/features.md). Cells without a nucleus\n"
        "are skipped (their nucleus features are undefined). A .csv output gets a units sidecar\n"
        "<name>.units.csv; a .h5 output stores the table /tables/features with a unit per column.\n"
        "Dry mass uses n = n_m + alpha C with alpha = 0.190 mL/g and n_m the file's medium RI.";
    s.options = {{"output", true, "feature table (.csv or .h5)", "OUT"},
                 {"condition", true, "condition name written in every row (default control)", "NAME"},
                 {"exclude-border", false, "leave out cells cut by the lateral field border", ""},
                 {"otsu", false, "segment with Otsu thresholds (when IN has no labels)", ""},
                 {"features-markdown", false, "print the feature catalog as a Markdown table and exit", ""}};
    s.minPositional = 0;
    s.maxPositional = 100000;
    return s;
}

int runProfile(const ParsedArgs& args)
{
    if (args.has("features-markdown")) {
        std::fputs(featureCatalogMarkdown().c_str(), stdout);
        return kExitOk;
    }
    if (args.positional.empty())
        throw InputError("profile: needs at least one input file");
    if (!args.has("output"))
        throw InputError("profile: missing -o features.csv");
    const std::string out = args.get("output");
    const std::string ext = std::filesystem::path(out).extension().string();
    const bool csv = ext == ".csv";
    if (!csv && ext != ".h5" && ext != ".hdf5")
        throw InputError(out + ": profile writes a .csv or .h5 feature table");
    checkWritableDestination(out);
    ProfileInputs in;
    in.files = args.positional;
    for (const std::string& f : in.files)
        if (std::filesystem::exists(f) && std::filesystem::exists(out) && std::filesystem::equivalent(f, out))
            throw InputError(out + ": output would overwrite an input");
    in.condition = args.get("condition", "control");
    if (in.condition.empty())
        throw InputError("--condition: must not be empty");
    in.excludeBorder = args.has("exclude-border");
    if (args.has("otsu"))
        in.segmentation.method = ThresholdMethod::Otsu;

    InterruptGuard interrupt;
    ProgressBar bar("profile");
    const ProfileResult res = profileFiles(in, bar.callback(), interrupt.token());
    bar.finish();
    if (res.rows.empty())
        throw InputError("profile: no cell with a nucleus was found in the input(s); nothing written");
    if (csv)
        writeFeatureCsv(out, res);
    else
        writeFeatureHdf5(out, res);
    std::printf("wrote %s (%zu rows x %zu features", out.c_str(), res.rows.size(), featureCatalog().size());
    if (res.cellsWithoutNucleus)
        std::printf("; %zu cells without a nucleus skipped", res.cellsWithoutNucleus);
    if (res.borderCellsExcluded)
        std::printf("; %zu border cells excluded", res.borderCellsExcluded);
    std::printf(")\n");
    return kExitOk;
}

} // namespace rfx::cli
