#include <cmath>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/Commands.h"
#include "core/io/CsvWriter.h"
#include "core/io/ResultsWriter.h"
#include "core/io/TiffWriter.h"
#include "core/synth/BeadPairGenerator.h"
#include "core/synth/CellFieldGenerator.h"
#include "core/util/Errors.h"

namespace rfx::cli {

namespace {

std::array<std::size_t, 3> sizeOption(const ParsedArgs& args, std::array<std::size_t, 3> fallback)
{
    if (!args.has("size"))
        return fallback;
    const auto v = args.getDoubles("size", 3);
    std::array<std::size_t, 3> s{};
    for (int i = 0; i < 3; ++i) {
        if (v[i] < 8 || v[i] > 4096 || v[i] != std::floor(v[i]))
            throw InputError("--size: each of Z,Y,X must be an integer between 8 and 4096");
        s[i] = static_cast<std::size_t>(v[i]);
    }
    return s;
}

std::array<double, 3> spacingOption(const ParsedArgs& args, std::array<double, 3> fallback)
{
    if (!args.has("spacing"))
        return fallback;
    const auto v = args.getDoubles("spacing", 3);
    for (double d : v)
        if (!(d > 0 && d < 100))
            throw InputError("--spacing: each of Z,Y,X must be a positive size in µm");
    return {v[0], v[1], v[2]};
}

// Removes files already produced by a multi-file command when a later step fails.
class OutputSet {
public:
    void produced(const std::string& p) { files_.push_back(p); }
    void keep() { files_.clear(); }
    ~OutputSet()
    {
        for (const auto& f : files_) {
            std::error_code ec;
            std::filesystem::remove(f, ec);
        }
    }

private:
    std::vector<std::string> files_;
};

std::string siblingPath(const std::string& h5, const std::string& suffix)
{
    std::filesystem::path p(h5);
    return (p.parent_path() / (p.stem().string() + suffix)).string();
}

int runCells(const ParsedArgs& args)
{
    const std::string out = requireResultsOutput(args, "synth");
    CellFieldParams p;
    p.shape = sizeOption(args, p.shape);
    p.spacing_um = spacingOption(args, p.spacing_um);
    p.cells = static_cast<int>(args.getInt("cells", p.cells));
    if (p.cells < 1 || p.cells > 200)
        throw InputError("--cells: must be between 1 and 200");
    p.seed = static_cast<std::uint64_t>(args.getInt("seed", static_cast<long long>(p.seed)));
    p.frames = static_cast<int>(args.getInt("frames", p.frames));
    if (p.frames < 1 || p.frames > 1000)
        throw InputError("--frames: must be between 1 and 1000");
    p.frameInterval_s = args.getDouble("interval", p.frameInterval_s);
    if (!(p.frameInterval_s > 0))
        throw InputError("--interval: must be positive (seconds)");
    p.condition = args.get("condition", p.condition);
    p.noise = args.getDouble("noise", p.noise);
    if (!(p.noise >= 0 && p.noise < 0.1))
        throw InputError("--noise: must be in [0, 0.1) RI units");
    p.axialBlur = !args.has("no-blur");
    p.division = !args.has("no-division");

    InterruptGuard interrupt;
    ProgressBar bar("synth cells", args.has("quiet"));
    CellField field = generateCellField(p, subProgress(bar.callback(), 0.0, 0.7), interrupt.token());
    ResultsTable truth;
    truth.columns = {"frame", "cell_id", "parent_id", "centroid_x_um", "centroid_y_um", "centroid_z_um",
                     "volume_um3", "nucleus_volume_um3", "nucleoli", "lipid_droplets", "touches_border"};
    truth.units = {"", "", "", "µm", "µm", "µm", "µm³", "µm³", "", "", ""};
    truth.values.assign(truth.columns.size(), {});
    for (const auto& c : field.cells) {
        const double row[] = {double(c.frame), double(c.id), double(c.parentId), c.centroid_um[0], c.centroid_um[1],
                              c.centroid_um[2], c.volume_um3, c.nucleusVolume_um3, double(c.nucleoli),
                              double(c.lipidDroplets), c.touchesBorder ? 1.0 : 0.0};
        for (std::size_t i = 0; i < truth.columns.size(); ++i)
            truth.values[i].push_back(row[i]);
        truth.rowLabels.push_back(c.condition);
    }
    nlohmann::ordered_json params = {{"generator", "synth cells"},
                                     {"shape", p.shape},
                                     {"spacing_um", p.spacing_um},
                                     {"cells", p.cells},
                                     {"seed", p.seed},
                                     {"frames", p.frames},
                                     {"interval_s", p.frameInterval_s},
                                     {"condition", p.condition},
                                     {"noise", p.noise},
                                     {"axial_blur", p.axialBlur},
                                     {"division", p.division}};
    DatasetPtr ds = toDataset(std::move(field));
    writeResults(out, *ds, {}, {}, subProgress(bar.callback(), 0.7, 1.0), interrupt.token(), [&](ResultsWriter& w) {
        w.writeTable("cells_truth", truth);
        w.writeText("synth_parameters", params.dump(2));
        w.setMetadata("condition", p.condition);
    });
    bar.finish();
    std::cerr << "wrote " << out << "\n";
    return kExitOk;
}

int runBeads(const ParsedArgs& args)
{
    const std::string out = requireResultsOutput(args, "synth");
    BeadPairParams p;
    p.shape = sizeOption(args, p.shape);
    p.spacing_um = spacingOption(args, p.spacing_um);
    p.seed = static_cast<std::uint64_t>(args.getInt("seed", static_cast<long long>(p.seed)));
    p.material.young_Pa = args.getDouble("young", p.material.young_Pa);
    p.material.poisson = args.getDouble("poisson", p.material.poisson);
    if (!(p.material.young_Pa > 0))
        throw InputError("--young: Young's modulus must be > 0 Pa");
    if (!(p.material.poisson > -1 && p.material.poisson < 0.5))
        throw InputError("--poisson: Poisson ratio must lie in (-1, 0.5)");
    p.forceCount = static_cast<int>(args.getInt("forces", p.forceCount));
    if (p.forceCount < 2 || p.forceCount > 1000)
        throw InputError("--forces: must be between 2 and 1000");
    p.forceMagnitude_pN = args.getDouble("magnitude", p.forceMagnitude_pN);
    if (!(p.forceMagnitude_pN > 0))
        throw InputError("--magnitude: must be > 0 pN");
    p.noise = args.getDouble("noise", p.noise);
    if (!(p.noise >= 0 && p.noise < 1))
        throw InputError("--noise: must be in [0, 1)");
    p.beadDensity_per_um3 = args.getDouble("density", p.beadDensity_per_um3);
    if (!(p.beadDensity_per_um3 > 0 && p.beadDensity_per_um3 < 10))
        throw InputError("--density: must be in (0, 10) beads per µm³");

    InterruptGuard interrupt;
    ProgressBar bar("synth beads", args.has("quiet"));
    BeadPair pair = generateBeadPair(p, subProgress(bar.callback(), 0.0, 0.6), interrupt.token());
    DatasetPtr ds = toDataset(pair);

    OutputSet outputs;
    const std::string forces = siblingPath(out, "_forces.csv");
    const std::string material = siblingPath(out, "_material.json");
    const std::string relaxedTif = siblingPath(out, "_relaxed.tif");
    const std::string stressedTif = siblingPath(out, "_stressed.tif");
    writeTextFileAtomic(forces, forcesCsv(pair));
    outputs.produced(forces);
    writeTextFileAtomic(material, materialJson(pair.material));
    outputs.produced(material);
    writeImageJTiff(relaxedTif, pair.relaxed, "a.u.");
    outputs.produced(relaxedTif);
    writeImageJTiff(stressedTif, pair.stressed, "a.u.");
    outputs.produced(stressedTif);
    ResultsTable forceTable;
    forceTable.columns = {"x_um", "y_um", "z_um", "fx_pN", "fy_pN", "fz_pN"};
    forceTable.units = {"µm", "µm", "µm", "pN", "pN", "pN"};
    forceTable.values.assign(6, {});
    for (const auto& f : pair.forces)
        for (int i = 0; i < 3; ++i) {
            forceTable.values[i].push_back(f.position_um[i]);
            forceTable.values[3 + i].push_back(f.force_pN[i]);
        }
    writeResults(out, *ds, {}, {}, subProgress(bar.callback(), 0.6, 1.0), interrupt.token(), [&](ResultsWriter& w) {
        w.writeTable("true_forces", forceTable);
        w.writeText("material", materialJson(pair.material));
    });
    outputs.keep();
    bar.finish();
    std::cerr << "wrote " << out << ", " << forces << ", " << material << ", " << relaxedTif << ", " << stressedTif
              << " (max bead displacement " << pair.maxBeadDisplacement_um << " µm)\n";
    return kExitOk;
}

} // namespace

CommandSpec synthSpec()
{
    CommandSpec s;
    s.name = "synth";
    s.usage = "synth cells|beads -o OUT.h5 [options]";
    s.summary = "Generate synthetic data: cell fields with ground truth, or bead volume pairs around a contracting cell.";
    s.details =
        "synth cells: adherent cells at 0.15 x 0.15 x 0.2 µm voxels (RI tomogram with missing-cone-like axial\n"
        "  blur and noise) plus the six ground-truth fluorescence channels (actin, mitochondria, lipid_droplets,\n"
        "  membrane, nucleus, nucleoli), nucleus and cell labels, and a per-cell truth table. With --frames > 1\n"
        "  cells move and change shape and one divides. A --condition other than 'control' shifts cell properties\n"
        "  (larger nuclei, more lipid droplets, denser cytoplasm).\n"
        "synth beads: relaxed and stressed fluorescent-bead volumes in a gel around a contracting cell; the\n"
        "  displacement is the analytic Kelvin solution summed over point forces. Beside OUT.h5 it writes\n"
        "  OUT_forces.csv (true forces), OUT_material.json (E, nu), OUT_relaxed.tif and OUT_stressed.tif.\n"
        "Deterministic for a given --seed.";
    s.options = {{"output", true, "output results file (.h5)", "OUT.h5"},
                 {"size", true, "volume size in voxels (cells default 64,256,256; beads 64,128,128)", "Z,Y,X"},
                 {"spacing", true, "voxel size in µm (cells default 0.2,0.15,0.15; beads 0.4,0.4,0.4)", "Z,Y,X"},
                 {"seed", true, "random seed (default 1)", "S"},
                 {"cells", true, "cells: number of cells (default 6)", "N"},
                 {"frames", true, "cells: time frames (default 1)", "T"},
                 {"interval", true, "cells: seconds between frames (default 60)", "S"},
                 {"condition", true, "cells: condition name (default control)", "NAME"},
                 {"noise", true, "cells: RI noise sd (default 0.002); beads: fraction of max (0.01)", "SD"},
                 {"no-blur", false, "cells: no axial blur"},
                 {"no-division", false, "cells: no cell division in time-lapses"},
                 {"young", true, "beads: Young's modulus in Pa (default 1000)", "PA"},
                 {"poisson", true, "beads: Poisson ratio (default 0.45)", "NU"},
                 {"forces", true, "beads: number of point forces on the cell (default 8)", "N"},
                 {"magnitude", true, "beads: force magnitude in pN (default 8000)", "PN"},
                 {"density", true, "beads: beads per µm³ (default 0.02)", "D"},
                 {"quiet", false, "no progress bar"}};
    s.minPositional = s.maxPositional = 1;
    return s;
}

int runSynth(const ParsedArgs& args)
{
    const std::string kind = args.positional[0];
    if (kind == "cells")
        return runCells(args);
    if (kind == "beads")
        return runBeads(args);
    throw InputError("synth: unknown kind '" + kind + "' (expected cells or beads)");
}

} // namespace rfx::cli
