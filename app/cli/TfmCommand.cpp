#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "app/cli/Commands.h"
#include "core/forces/LearnedTfm.h"
#include "core/forces/TfmInputLoader.h"
#include "core/forces/TfmOutput.h"
#include "core/io/AtomicFile.h"
#include "core/prediction/ModelLocator.h"
#include "core/util/Errors.h"

namespace rfx::cli {

namespace {
std::string fmt(double v, int precision = 4)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    return buf;
}
} // namespace

CommandSpec tfmSpec()
{
    CommandSpec s;
    s.name = "tfm";
    s.usage = "tfm RELAXED STRESSED -o OUT.h5 --young PA --poisson NU [options]";
    s.summary = "3D cellular force microscopy: displacements, strain energy and forces from a relaxed/stressed bead pair.";
    s.details =
        "Method dvc (classical): digital volume correlation (FFT cross-correlation, windows 2N then N voxels,\n"
        "  50 % overlap, iterative window offset, normalised median test), then strain, linear elastic (or\n"
        "  neo-Hookean) stress and force density f = -div(sigma) on the correlation grid (docs/tfm.md).\n"
        "Method dl (learned): a force model package (--model, default the bundled force-synthetic) maps the pair\n"
        "  to the displacement field through the patch engine; the same strain/stress/force layers then run on\n"
        "  the same node grid (node values are window means), with E and nu from --young/--poisson. The rigid\n"
        "  stage drift is taken out before the network and added back. quality is 1 at every node (the\n"
        "  network gives no confidence). No test-time augmentation (vector outputs).\n"
        "Inputs: any readable volume (TIFF stack or folder, TCF, results HDF5); the beads are --channel NAME,\n"
        "  else the first fluorescence channel, else the first channel; frame 0. The voxel size comes from the\n"
        "  file unless --voxel is given. --mask takes a label/binary volume (non-zero = cell) or a cell\n"
        "  fluorescence image (Otsu threshold, largest component) and adds tractions on the cell surface.\n"
        "OUT.h5 holds the channels displacement (µm), quality, strain_energy_density (Pa), force_density\n"
        "  (pN/µm³), nodal_force (pN) and, with a mask, tractions (Pa), all on the correlation grid; for the\n"
        "  view, bead_slice (the sharpest z-slice of STRESSED) and, with a mask, cell_mask on the image grid;\n"
        "  the table 'summary' and the document 'parameters'. --vectors writes one CSV row per grid node:\n"
        "  x_um,y_um,z_um,ux_um,uy_um,uz_um,fx_pN,fy_pN,fz_pN,quality (positions from the centre of voxel\n"
        "  (0,0,0) of RELAXED; forces summed over a region give the force on it). Both files appear together or\n"
        "  not at all. The summary is printed to stderr.";
    s.options = {{"output", true, "results file (.h5)", "OUT.h5"},
                 {"young", true, "Young's modulus of the gel in Pa (> 0)", "PA"},
                 {"poisson", true, "Poisson ratio of the gel, in (-1, 0.5)", "NU"},
                 {"voxel", true, "voxel size in µm, overriding the file's", "Z,Y,X"},
                 {"mask", true, "cell mask or cell image (same shape as the bead volumes)", "MASK"},
                 {"method", true, "dvc (default, classical) or dl (learned, a force model package)", "dvc|dl"},
                 {"model", true, "dl: force model package folder (default: the bundled force-synthetic)", "DIR"},
                 {"device", true, "dl: auto (default), cpu or cuda (dvc always runs on the CPU)", "DEV"},
                 {"threads", true, "CPU threads: dl network (default 1), dvc correlation (default 2); 0: all cores", "N"},
                 {"vectors", true, "also write per-node vectors as CSV", "FILE.csv"},
                 {"window", true, "final correlation window in voxels along the finest axis (default 32); dl: node step N/2", "N"},
                 {"channel", true, "channel holding the beads in both inputs", "NAME"},
                 {"smooth", true, "Gaussian pre-smoothing of the displacement in grid nodes (default 0)", "SIGMA"},
                 {"neo-hookean", false, "compressible neo-Hookean stress instead of linear elasticity"},
                 {"quiet", false, "no progress bar"}};
    s.minPositional = s.maxPositional = 2;
    return s;
}

int runTfm(const ParsedArgs& args)
{
    const std::string relaxedPath = args.positional[0], stressedPath = args.positional[1];
    const std::string out = requireResultsOutput(args, "tfm");
    const std::string vectors = args.get("vectors");
    if (!vectors.empty())
        checkWritableDestination(vectors);
    for (const std::string& o : {out, vectors})
        for (const std::string& in : {relaxedPath, stressedPath})
            if (!o.empty() && std::filesystem::absolute(o) == std::filesystem::absolute(in))
                throw InputError(o + ": output would overwrite an input");

    const std::string method = args.get("method", "dvc");
    if (method != "dvc" && method != "dl")
        throw InputError("--method: expected dvc or dl, got '" + method + "'");
    if (!args.has("young"))
        throw InputError("tfm: missing --young PA (Young's modulus of the gel)");
    if (!args.has("poisson"))
        throw InputError("tfm: missing --poisson NU (Poisson ratio of the gel)");
    TfmParams params;
    Material& mat = params.elasticity.material;
    mat.young_Pa = args.getDouble("young", 0);
    mat.poisson = args.getDouble("poisson", 0);
    if (!(mat.young_Pa > 0))
        throw InputError("--young: Young's modulus must be > 0 Pa");
    if (!(mat.poisson > -1 && mat.poisson < 0.5))
        throw InputError("--poisson: Poisson ratio must lie in (-1, 0.5)");
    const long long window = args.getInt("window", params.dvc.window);
    if (window < 8 || window > 512)
        throw InputError("--window: must be between 8 and 512 voxels");
    params.dvc.window = static_cast<int>(window);
    params.elasticity.smoothingSigma_nodes = args.getDouble("smooth", 0);
    if (!(params.elasticity.smoothingSigma_nodes >= 0 && params.elasticity.smoothingSigma_nodes <= 10))
        throw InputError("--smooth: must be between 0 and 10 grid nodes");
    params.elasticity.model = args.has("neo-hookean") ? StressModel::NeoHookean : StressModel::LinearElastic;
    std::array<double, 3> voxel{0, 0, 0};
    if (args.has("voxel")) {
        const auto v = args.getDoubles("voxel", 3);
        for (double d : v)
            if (!(d > 0 && d < 1000))
                throw InputError("--voxel: each of Z,Y,X must be a positive size in µm");
        voxel = {v[0], v[1], v[2]};
    }
    // --device and --threads are accepted with dvc too (it runs on the CPU; threads set its
    // correlation workers), so batch runs can pass one set of options to every step.
    if (method != "dl" && args.has("model"))
        throw InputError("--model applies to --method dl only");
    const long long threads = args.getInt("threads", method == "dl" ? 1 : params.dvc.threads);
    if (threads < 0 || threads > 256)
        throw InputError("--threads: must be between 0 and 256");
    if (method != "dl")
        params.dvc.threads =
            threads > 0 ? static_cast<int>(threads) : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const std::string modelDir =
        method == "dl" ? (args.has("model") ? args.get("model") : bundledModelDirectory("force-synthetic")) : "";
    const std::string device = args.get("device", "auto");
    if (device != "auto" && device != "cpu" && device != "cuda")
        throw InputError("--device: expected auto, cpu or cuda");

    TfmFiles files;
    files.relaxed = relaxedPath;
    files.stressed = stressedPath;
    files.mask = args.get("mask");
    files.channel = args.get("channel");
    if (args.has("voxel"))
        files.voxel_um = voxel;
    TfmInputs in = loadTfmInputs(files);

    InterruptGuard interrupt;
    ProgressBar bar("tfm", args.has("quiet"));
    in.params = params;
    TfmResult r;
    std::string learnedJson, analysis;
    if (method == "dl") {
        LearnedTfmInputs li = learnedTfmInputs(in, modelDir);
        li.prediction.device = device;
        li.prediction.threads = static_cast<int>(threads);
        const bool quiet = args.has("quiet");
        li.warn = [quiet](const std::string& msg) {
            if (!quiet)
                std::cerr << "refractome-cli tfm: note: " << msg << "\n";
        };
        LearnedTfmResult lr = runLearnedTfm(li, bar.callback(), interrupt.token());
        learnedJson = learnedRunJson(lr, modelDir);
        analysis = learnedAnalysisName(lr);
        r = std::move(lr.tfm);
    } else {
        r = runClassicalTfm(in, bar.callback(), interrupt.token());
    }

    TfmRunInfo run;
    run.method = method;
    run.relaxed = relaxedPath;
    run.stressed = stressedPath;
    run.mask = args.get("mask");
    run.params = params;
    run.learnedJson = learnedJson;
    TfmOutputRequest req;
    req.resultsPath = out;
    req.vectorsCsvPath = vectors;
    req.source = relaxedPath + " -> " + stressedPath;
    req.parametersJson = tfmParametersJson(run, r);
    req.beads = in.stressed;
    req.cellMask = in.cellMask;
    if (method == "dl")
        req.analysis = analysis;
    writeTfmOutputs(req, r);
    bar.finish();

    const CellForceSummary& s = r.elasticity.summary;
    std::cerr << "contractility " << fmt(s.contractility_pN) << " pN (towards "
              << (s.centreFromMask ? "the mask centroid" : "the force epicentre") << "), total |force| "
              << fmt(s.totalForce_pN) << " pN, strain energy " << fmt(s.strainEnergy_pJ) << " pJ, net force "
              << fmt(s.netForce_pN.norm()) << " pN (" << fmt(100 * s.netForceRatio, 3) << " % of total), max displacement "
              << fmt(s.maxDisplacement_um) << " µm, grid " << r.dvc.nodes.shape[2] << "x" << r.dvc.nodes.shape[1] << "x"
              << r.dvc.nodes.shape[0] << " nodes, " << fmt(100 * r.dvc.validFraction, 3) << " % valid vectors\n";
    std::cerr << "wrote " << out << (vectors.empty() ? "" : ", " + vectors) << "\n";
    return kExitOk;
}

} // namespace rfx::cli
