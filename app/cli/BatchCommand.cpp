// refractome-cli batch: runs predict / segment / profile / tfm over the rows of a CSV manifest,
// in-process through the same command runners the CLI offers, with per-input logs, completion
// markers (resume), a status table, a merged feature table, and deterministic sharding.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <new>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "app/cli/Commands.h"
#include "core/batch/BatchManifest.h"
#include "core/batch/BatchState.h"
#include "core/io/CsvWriter.h"
#include "core/prediction/ModelLocator.h"
#include "core/util/Errors.h"
#include "core/util/Sha256.h"
#include "core/util/Version.h"

namespace rfx::cli {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string>& knownSteps()
{
    static const std::vector<std::string> s = {"predict", "segment", "profile", "tfm"};
    return s;
}

// The file each step writes into the row's folder (tfm also writes force_vectors.csv).
std::string stepOutputName(const std::string& step)
{
    if (step == "predict")
        return "prediction.h5";
    if (step == "segment")
        return "segmentation.h5";
    if (step == "profile")
        return "features.csv";
    return "forces.h5";
}

const Command* findCommand(const std::string& name)
{
    for (const auto& c : commands())
        if (c.spec().name == name)
            return &c;
    return nullptr;
}

bool specHasOption(const CommandSpec& spec, const std::string& name)
{
    return std::any_of(spec.options.begin(), spec.options.end(), [&](const OptionSpec& o) { return o.name == name; });
}

std::vector<std::string> splitWords(const std::string& s)
{
    std::istringstream in(s);
    std::vector<std::string> words;
    for (std::string w; in >> w;)
        words.push_back(w);
    return words;
}

std::vector<std::string> parseSteps(const std::string& spec)
{
    std::vector<std::string> requested;
    std::stringstream ss(spec);
    for (std::string item; std::getline(ss, item, ',');) {
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        std::transform(item.begin(), item.end(), item.begin(), [](unsigned char c) { return std::tolower(c); });
        if (item.empty())
            continue;
        if (std::find(knownSteps().begin(), knownSteps().end(), item) == knownSteps().end())
            throw InputError("--steps: unknown step '" + item + "'; expected a comma-separated list of predict, segment, profile, tfm");
        if (!findCommand(item))
            throw InputError("--steps: step '" + item + "' is not available in this refractome-cli (it has no '" + item +
                             "' command)");
        requested.push_back(item);
    }
    if (requested.empty())
        throw InputError("--steps: expected a comma-separated list of predict, segment, profile, tfm");
    // Always run in pipeline order, whatever order they were listed in.
    std::vector<std::string> ordered;
    for (const auto& s : knownSteps())
        if (std::find(requested.begin(), requested.end(), s) != requested.end())
            ordered.push_back(s);
    return ordered;
}

std::string nowText()
{
    const std::time_t t = std::time(nullptr);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::localtime(&t));
    return buf;
}

std::string joinArgs(const std::vector<std::string>& args)
{
    std::string s;
    for (const auto& a : args) {
        const bool plain = !a.empty() && a.find_first_of(" \t'\"\\$") == std::string::npos;
        s += " " + (plain ? a : "'" + a + "'");
    }
    return s;
}

// Sends stdout and stderr (file descriptors 1 and 2, so printf, std::cerr and progress bars alike)
// to a log file while it lives.
class StdioToLog {
public:
    explicit StdioToLog(const std::string& path)
    {
        std::cout.flush();
        std::cerr.flush();
        std::fflush(nullptr);
        fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd_ < 0)
            throw std::runtime_error(path + ": cannot open log file");
        saved1_ = ::dup(1);
        saved2_ = ::dup(2);
        ::dup2(fd_, 1);
        ::dup2(fd_, 2);
    }
    ~StdioToLog()
    {
        std::cout.flush();
        std::cerr.flush();
        std::fflush(nullptr);
        ::dup2(saved1_, 1);
        ::dup2(saved2_, 2);
        ::close(saved1_);
        ::close(saved2_);
        ::close(fd_);
    }
    StdioToLog(const StdioToLog&) = delete;
    StdioToLog& operator=(const StdioToLog&) = delete;

private:
    int fd_ = -1, saved1_ = -1, saved2_ = -1;
};

void appendLog(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::app) << text;
}

struct BatchOptions {
    std::vector<std::string> steps;
    std::string outDir;
    ShardSpec shard;
    std::string device;   // empty: the step's default
    std::string threads;  // empty: the step's default
    std::string model;   // empty: bundled
    std::string young, poisson;
    std::map<std::string, std::vector<std::string>> extra;  // per step
    bool quiet = false;
};

struct StepPlan {
    std::string step;
    std::vector<std::string> args;     // positional + options, without --quiet/--device
    std::vector<std::string> outputs;  // absolute-ish paths in the row folder
    std::string marker;
    nlohmann::json fingerprint;
};

bool hasStep(const BatchOptions& o, const std::string& s)
{
    return std::find(o.steps.begin(), o.steps.end(), s) != o.steps.end();
}

std::string rowDir(const BatchOptions& o, const BatchRow& r) { return (fs::path(o.outDir) / r.id).string(); }
std::string markerPath(const BatchOptions& o, const BatchRow& r, const std::string& step)
{
    return (fs::path(rowDir(o, r)) / (step + ".done.json")).string();
}

std::string modelFingerprint(const BatchOptions& o)
{
    const std::string dir = o.model.empty() ? bundledModelDirectory("ri2fl-synthetic") : o.model;
    const std::string manifest = (fs::path(dir) / "model.json").string();
    std::error_code ec;
    if (!fs::is_regular_file(manifest, ec))
        throw inputError(dir, "not a model package (no model.json)");
    return sha256File(manifest);
}

// The step's command line and fingerprint. Upstream outputs are identified by the checksum their
// marker recorded, so a recomputed upstream invalidates everything downstream.
StepPlan planStep(const BatchOptions& o, const BatchRow& r, const std::string& step, const std::string& modelSha)
{
    StepPlan p;
    p.step = step;
    const std::string dir = rowDir(o, r);
    const std::string out = (fs::path(dir) / stepOutputName(step)).string();
    p.marker = markerPath(o, r, step);
    p.outputs = {out};
    const CommandSpec spec = findCommand(step)->spec();
    nlohmann::json inputs = nlohmann::json::array();
    std::vector<std::string> extraOpts;

    if (step == "tfm") {
        p.args = {r.relaxed, r.stressed, "--output", out};
        p.args.insert(p.args.end(), {"--young", r.young.empty() ? o.young : r.young});
        p.args.insert(p.args.end(), {"--poisson", r.poisson.empty() ? o.poisson : r.poisson});
        if (specHasOption(spec, "vectors")) {
            const std::string vectors = (fs::path(dir) / "force_vectors.csv").string();
            p.args.insert(p.args.end(), {"--vectors", vectors});
            p.outputs.push_back(vectors);
        }
        if (!r.mask.empty())
            p.args.insert(p.args.end(), {"--mask", r.mask});
        inputs.push_back(fileIdentity(r.relaxed));
        inputs.push_back(fileIdentity(r.stressed));
        if (!r.mask.empty())
            inputs.push_back(fileIdentity(r.mask));
    } else {
        // Input: the output of the nearest earlier image step requested, else the row's file.
        std::string upstream;
        for (const auto& s : {"predict", "segment", "profile"}) {
            if (s == step)
                break;
            if (hasStep(o, s))
                upstream = s;
        }
        std::string in = r.path;
        if (!upstream.empty()) {
            in = (fs::path(dir) / stepOutputName(upstream)).string();
            inputs.push_back({{"upstream", upstream},
                              {"sha256", markerOutputSha256(markerPath(o, r, upstream), stepOutputName(upstream))}});
        } else {
            inputs.push_back(fileIdentity(r.path));
        }
        p.args = {in, "--output", out};
        // The frame range applies where the raw input is read.
        if (upstream.empty() && !r.frames.empty() && specHasOption(spec, "frames"))
            p.args.insert(p.args.end(), {"--frames", r.frames});
        if (step == "predict" && !o.model.empty())
            p.args.insert(p.args.end(), {"--model", o.model});
        if (specHasOption(spec, "condition") && !r.condition.empty())
            p.args.insert(p.args.end(), {"--condition", r.condition});
    }
    const auto& ex = o.extra.count(step) ? o.extra.at(step) : std::vector<std::string>{};
    p.args.insert(p.args.end(), ex.begin(), ex.end());

    // Options that do not change results stay out of the fingerprint; paths inside the row
    // folder are written relative to it so a moved output folder still resumes.
    nlohmann::json args = nlohmann::json::array();
    for (std::size_t i = 0; i < p.args.size(); ++i) {
        const std::string& a = p.args[i];
        if (a == "--quiet")
            continue;
        if (a == "--threads" || a == "--device") {
            ++i;  // and its value
            continue;
        }
        if (a.rfind("--threads=", 0) == 0 || a.rfind("--device=", 0) == 0)
            continue;
        const fs::path rel = fs::path(a).lexically_relative(dir);
        args.push_back(!rel.empty() && rel.native().rfind("..", 0) != 0 ? rel.string() : a);
    }
    p.fingerprint = {{"step", step}, {"args", args}, {"inputs", inputs}};
    if (step == "predict")
        p.fingerprint["model_json_sha256"] = modelSha;
    return p;
}

// The outputs plus the sidecars a command writes beside them (e.g. profile's features.units.csv):
// files in the same folder named "<output stem>.*".
std::vector<std::string> withSidecars(const std::vector<std::string>& outputs)
{
    std::vector<std::string> all = outputs;
    for (const auto& o : outputs) {
        const fs::path p(o);
        const std::string prefix = p.stem().string() + ".";
        std::error_code ec;
        std::vector<std::string> extra;
        for (const auto& e : fs::directory_iterator(p.parent_path(), ec)) {
            const std::string name = e.path().filename().string();
            if (e.is_regular_file(ec) && name.rfind(prefix, 0) == 0 && name.find(".done.json") == std::string::npos &&
                std::find(all.begin(), all.end(), e.path().string()) == all.end())
                extra.push_back(e.path().string());
        }
        std::sort(extra.begin(), extra.end());
        all.insert(all.end(), extra.begin(), extra.end());
    }
    return all;
}

std::vector<std::string> runtimeArgs(const BatchOptions& o, const std::string& step)
{
    const CommandSpec spec = findCommand(step)->spec();
    std::vector<std::string> a;
    if (specHasOption(spec, "quiet"))
        a.push_back("--quiet");
    if (!o.device.empty() && specHasOption(spec, "device"))
        a.insert(a.end(), {"--device", o.device});
    if (!o.threads.empty() && specHasOption(spec, "threads"))
        a.insert(a.end(), {"--threads", o.threads});
    return a;
}

struct RowOutcome {
    BatchRowStatus status;
    bool ranAnything = false;
};

RowOutcome runRow(const BatchOptions& o, const BatchRow& r, const std::string& modelSha, std::size_t position,
                  std::size_t total)
{
    RowOutcome res;
    BatchRowStatus& st = res.status;
    st.id = r.id;
    st.line = r.line;
    st.path = !r.pathAsWritten.empty() ? r.pathAsWritten : r.relaxed;
    st.condition = r.condition;
    st.log = "logs/" + r.id + ".log";
    const std::string log = (fs::path(o.outDir) / st.log).string();
    const auto t0 = std::chrono::steady_clock::now();
    fs::create_directories(rowDir(o, r));
    appendLog(log, "== " + nowText() + " refractome-cli " + version() + " batch, row " + std::to_string(r.line) +
                       " of " + fs::absolute(o.outDir).string() + (o.shard.sharded() ? ", " + o.shard.label() : "") +
                       "\n");
    std::string progress;
    for (const auto& step : o.steps) {
        if (step == "tfm" ? r.relaxed.empty() : r.path.empty()) {
            st.steps += (st.steps.empty() ? "" : " ") + step + ":n/a";
            continue;
        }
        const StepPlan plan = planStep(o, r, step, modelSha);
        std::string why;
        if (completionMarkerValid(plan.marker, plan.fingerprint, &why)) {
            appendLog(log, "== " + step + ": already done (completion marker and checksums verified), skipped\n");
            st.steps += (st.steps.empty() ? "" : " ") + step + ":resumed";
            continue;
        }
        std::error_code ec;
        fs::remove(plan.marker, ec);
        std::vector<std::string> args = plan.args;
        const auto rt = runtimeArgs(o, step);
        args.insert(args.end(), rt.begin(), rt.end());
        appendLog(log, "== " + nowText() + " " + step + " (" + why + "): refractome-cli " + step + joinArgs(args) + "\n");
        const auto s0 = std::chrono::steady_clock::now();
        int rc = kExitFailure;
        std::string error;
        res.ranAnything = true;
        try {
            const Command* cmd = findCommand(step);
            StdioToLog capture(log);
            try {
                rc = cmd->run(parseArgs(cmd->spec(), args));
                if (rc != kExitOk)
                    error = step + " exited with code " + std::to_string(rc);
            } catch (const CancelledError&) {
                throw;
            } catch (const std::bad_alloc&) {
                error = "out of memory";
            } catch (const std::exception& e) {
                error = e.what();
            }
            if (!error.empty())
                std::cerr << "refractome-cli " << step << ": error: " << error << "\n";
        } catch (const CancelledError&) {
            appendLog(log, "== " + step + ": cancelled\n");
            throw;
        }
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count();
        if (error.empty()) {
            try {
                writeCompletionMarker(plan.marker, plan.fingerprint, withSidecars(plan.outputs));
            } catch (const std::exception& e) {
                error = e.what();
            }
        }
        if (!error.empty()) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.1f", secs);
            appendLog(log, "== " + step + ": FAILED after " + buf + " s: " + error + "\n");
            st.status = "failed";
            st.failedStep = step;
            st.message = error;
            st.steps += (st.steps.empty() ? "" : " ") + step + ":failed";
            break;
        }
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f", secs);
        appendLog(log, "== " + step + ": done in " + buf + " s\n");
        st.steps += (st.steps.empty() ? "" : " ") + step + ":ran";
    }
    if (st.status.empty())
        st.status = "done";
    st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    appendLog(log, "== " + nowText() + " row " + st.status + "\n");
    if (!o.quiet) {
        char head[64];
        std::snprintf(head, sizeof head, "[%zu/%zu] ", position, total);
        std::cerr << "batch: " << head << r.id << ": " << st.status << " (" << st.steps << ", "
                  << static_cast<long long>(st.seconds + 0.5) << " s)"
                  << (st.status == "failed" ? " - " + st.message + " (log: " + (fs::path(o.outDir) / st.log).string() + ")"
                                            : std::string())
                  << "\n";
    }
    return res;
}

// Statuses from the shards' status tables (status-shard-*.csv), by id.
std::map<std::string, BatchRowStatus> shardStatuses(const std::string& outDir)
{
    std::map<std::string, BatchRowStatus> byId;
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(outDir, ec))
        if (e.path().filename().string().rfind("status-shard-", 0) == 0 && e.path().extension() == ".csv")
            files.push_back(e.path());
    std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
        std::error_code e1;
        return fs::last_write_time(a, e1) < fs::last_write_time(b, e1);
    });
    for (const auto& f : files) {
        try {
            for (auto& s : readStatusTable(f.string()))
                byId[s.id] = s;  // newer files win
        } catch (const InputError&) {
        }
    }
    return byId;
}

struct MergeSummary {
    std::size_t done = 0, failed = 0, pending = 0, featureRows = 0;
    bool wroteFeatures = false;
};

// Writes DIR/status.csv for every manifest row and DIR/features.csv from the rows whose profile is
// done. `known` holds statuses from this process (trusted) or from the shards' tables; rows not in
// `known` as done are verified through their completion markers.
MergeSummary mergeBatch(const BatchOptions& o, const BatchManifest& m, const std::map<std::string, BatchRowStatus>& known,
                        bool trustKnownDone, const std::string& modelSha)
{
    MergeSummary sum;
    std::vector<BatchRowStatus> all;
    std::vector<FeaturePart> parts;
    for (const auto& r : m.rows) {
        BatchRowStatus st;
        auto it = known.find(r.id);
        if (it != known.end())
            st = it->second;
        st.id = r.id;
        st.line = r.line;
        st.path = !r.pathAsWritten.empty() ? r.pathAsWritten : r.relaxed;
        st.condition = r.condition;
        st.log = "logs/" + r.id + ".log";
        bool done = trustKnownDone && it != known.end() && it->second.status == "done";
        if (!done) {
            std::string why;
            bool ok = true;
            for (const auto& step : o.steps) {
                if (step == "tfm" ? r.relaxed.empty() : r.path.empty())
                    continue;
                if (!completionMarkerValid(markerPath(o, r, step), planStep(o, r, step, modelSha).fingerprint, &why)) {
                    ok = false;
                    why = step + ": " + why;
                    break;
                }
            }
            done = ok;
            if (done) {
                st.status = "done";
                st.failedStep.clear();
                st.message.clear();
            } else if (st.status != "failed") {
                st.status = "pending";
                st.message = "not finished (" + why + ")";
            }
        }
        if (st.status == "done") {
            ++sum.done;
            if (hasStep(o, "profile") && !r.path.empty())
                parts.push_back({(fs::path(rowDir(o, r)) / stepOutputName("profile")).string(), r.pathAsWritten});
        } else if (st.status == "failed") {
            ++sum.failed;
        } else {
            ++sum.pending;
        }
        all.push_back(st);
    }
    writeStatusTable((fs::path(o.outDir) / "status.csv").string(), all);
    if (!parts.empty()) {
        sum.featureRows = mergeFeatureTables(parts, (fs::path(o.outDir) / "features.csv").string());
        sum.wroteFeatures = true;
        // profile's units sidecar describes the merged table too (same columns, source_file included).
        const fs::path units = fs::path(parts.front().file).parent_path() / "features.units.csv";
        std::error_code ec;
        if (fs::is_regular_file(units, ec))
            writeTextFileAtomic((fs::path(o.outDir) / "features.units.csv").string(), readTextFile(units.string()));
    }
    return sum;
}

} // namespace

CommandSpec batchSpec()
{
    CommandSpec s;
    s.name = "batch";
    s.usage = "batch MANIFEST.csv --steps predict,segment,profile[,tfm] --out DIR [--shard I/N] [options]";
    s.summary = "Run predict/segment/profile/tfm over every input of a CSV manifest: resumable, logged, shardable.";
    s.details =
        "MANIFEST.csv has a header row and one row per input. Columns (any order, extra columns ignored):\n"
        "  path       input tomogram or time-lapse (needed for predict, segment, profile)\n"
        "  condition  experimental condition, passed to profile (needed for profile)\n"
        "  frames     optional frame range A:B (half-open) or A, applied where the raw input is read\n"
        "  id         optional unique name of the row's output folder (default: the file name, plus _tA_B)\n"
        "  relaxed, stressed, mask, young, poisson   tfm inputs (young/poisson default to --young/--poisson)\n"
        "Relative paths are relative to the manifest's folder. Steps always run in the order predict ->\n"
        "segment -> profile (each reads the previous one's output) and tfm (independent).\n"
        "DIR/<id>/ receives prediction.h5, segmentation.h5, features.csv, forces.h5 + force_vectors.csv and a\n"
        "<step>.done.json completion marker per step (fingerprint of inputs and options, SHA-256 of every\n"
        "output; --device, --threads and --quiet are left out). A rerun skips steps whose marker still\n"
        "verifies, so an interrupted batch resumes where it stopped. Each row logs to DIR/logs/<id>.log.\n"
        "A failing input is recorded and the batch goes on; the exit code is then 1. At the end\n"
        "DIR/status.csv lists every row (done, failed, pending) and\n"
        "DIR/features.csv concatenates the per-input feature tables (source_file = the manifest's path).\n"
        "--shard I/N (0 <= I < N) processes only rows with (row index mod N) == I and writes\n"
        "DIR/status-shard-I-of-N.csv instead; after all shards, 'batch MANIFEST --steps ... --out DIR\n"
        "--merge' verifies every row and writes status.csv and features.csv. See docs/hpc.md.";
    s.options = {{"steps", true, "comma-separated: predict, segment, profile, tfm", "LIST"},
                 {"out", true, "output folder (created when missing)", "DIR"},
                 {"shard", true, "process shard I of N only (0-based)", "I/N"},
                 {"merge", false, "run nothing: verify all rows, write status.csv and features.csv"},
                 {"dry-run", false, "check manifest and options, print the inputs per shard; write nothing"},
                 {"device", true, "passed to predict: auto, cpu or cuda (default auto)", "DEV"},
                 {"threads", true, "CPU threads for steps that take --threads (default: all cores)", "N"},
                 {"model", true, "model package for predict (default: bundled ri2fl-synthetic)", "DIR"},
                 {"young", true, "tfm: Young's modulus in Pa for rows without a young column", "PA"},
                 {"poisson", true, "tfm: Poisson ratio for rows without a poisson column", "NU"},
                 {"predict-args", true, "extra predict options, e.g. \"--tta 4 --mc 4\"", "\"OPTS\""},
                 {"segment-args", true, "extra segment options", "\"OPTS\""},
                 {"profile-args", true, "extra profile options", "\"OPTS\""},
                 {"tfm-args", true, "extra tfm options, e.g. \"--window 24\"", "\"OPTS\""},
                 {"quiet", false, "no per-input progress lines"}};
    s.minPositional = s.maxPositional = 1;
    return s;
}

int runBatch(const ParsedArgs& args)
{
    const std::string manifestPath = args.positional[0];
    BatchOptions o;
    if (!args.has("steps"))
        throw InputError("batch: missing --steps (e.g. --steps predict,segment,profile)");
    if (!args.has("out"))
        throw InputError("batch: missing --out DIR");
    o.steps = parseSteps(args.get("steps"));
    if (args.get("out").empty())
        throw InputError("--out: empty folder name");
    o.outDir = fs::absolute(args.get("out")).lexically_normal().string();
    if (o.outDir.size() > 1 && o.outDir.back() == '/')
        o.outDir.pop_back();
    if (args.has("shard"))
        o.shard = parseShardSpec(args.get("shard"));
    const bool merge = args.has("merge");
    if (merge && args.has("shard"))
        throw InputError("batch: --merge covers all shards; leave out --shard");
    o.device = args.get("device");
    if (!o.device.empty() && o.device != "auto" && o.device != "cpu" && o.device != "cuda")
        throw InputError("--device: expected auto, cpu or cuda, got '" + o.device + "'");
    if (args.has("threads")) {
        if (args.getInt("threads", 0) < 1)
            throw InputError("--threads: expected a positive integer");
        o.threads = args.get("threads");
    }
    o.model = args.get("model");
    o.young = args.get("young");
    o.poisson = args.get("poisson");
    o.quiet = args.has("quiet");
    for (const auto& s : knownSteps())
        if (args.has(s + "-args")) {
            if (!hasStep(o, s))
                throw InputError("--" + s + "-args: step '" + s + "' is not in --steps");
            o.extra[s] = splitWords(args.get(s + "-args"));
        }
    for (const auto& opt : {"young", "poisson"})
        if (args.has(opt))
            (void)args.getDouble(opt, 0);

    ManifestRequirements req;
    req.needPath = hasStep(o, "predict") || hasStep(o, "segment") || hasStep(o, "profile");
    req.needCondition = hasStep(o, "profile");
    req.needTfm = hasStep(o, "tfm");
    const BatchManifest manifest = readBatchManifest(manifestPath, req);
    if (hasStep(o, "tfm"))
        for (const auto& r : manifest.rows)
            if ((r.young.empty() && o.young.empty()) || (r.poisson.empty() && o.poisson.empty()))
                throw InputError(manifestPath + " line " + std::to_string(r.line) +
                                 ": tfm needs young and poisson (manifest columns or --young/--poisson)");
    const std::string modelSha = hasStep(o, "predict") ? modelFingerprint(o) : std::string();

    // Check every step's command line once (unknown extra options, malformed values) before
    // anything is written: a typo should not fail thousands of inputs one by one.
    {
        const BatchRow& r = manifest.rows.front();
        BatchRow probe = r;
        BatchOptions po = o;
        po.outDir = (fs::temp_directory_path() / "refractome-batch-probe").string();
        for (const auto& step : o.steps) {
            if (step == "tfm" ? probe.relaxed.empty() : probe.path.empty())
                continue;
            std::vector<std::string> a = planStep(po, probe, step, modelSha).args;
            const auto rt = runtimeArgs(o, step);
            a.insert(a.end(), rt.begin(), rt.end());
            (void)parseArgs(findCommand(step)->spec(), a);
        }
    }

    if (args.has("dry-run")) {
        const std::size_t n = o.shard.count;
        std::cout << "batch: " << manifestPath << ": " << manifest.rows.size() << " inputs, steps";
        for (const auto& s : o.steps)
            std::cout << " " << s;
        std::cout << "; " << o.shard.label() << " runs " << shardRows(manifest.rows.size(), o.shard).size()
                  << " of them";
        if (n > 1)
            std::cout << " (each of the " << n << " shards gets " << manifest.rows.size() / n << " or "
                      << (manifest.rows.size() + n - 1) / n << ")";
        std::cout << "\n";
        return kExitOk;
    }

    std::error_code ec;
    fs::create_directories(fs::path(o.outDir) / "logs", ec);
    if (ec || ::access(o.outDir.c_str(), W_OK) != 0)
        throw inputError(o.outDir, "cannot create or write the output folder");

    if (merge) {
        const MergeSummary sum = mergeBatch(o, manifest, shardStatuses(o.outDir), false, modelSha);
        std::cout << "batch merge: " << manifest.rows.size() << " inputs: " << sum.done << " done, " << sum.failed
                  << " failed, " << sum.pending << " pending; status: " << (fs::path(o.outDir) / "status.csv").string();
        if (sum.wroteFeatures)
            std::cout << "; features: " << (fs::path(o.outDir) / "features.csv").string() << " (" << sum.featureRows
                      << " cells)";
        std::cout << "\n";
        return sum.failed + sum.pending ? kExitFailure : kExitOk;
    }

    const std::vector<std::size_t> mine = shardRows(manifest.rows.size(), o.shard);
    const std::string statusFile = (fs::path(o.outDir) / ("status-" + o.shard.label() + ".csv")).string();
    std::vector<BatchRowStatus> statuses;
    std::map<std::string, BatchRowStatus> byId;
    std::size_t failed = 0;
    for (std::size_t k = 0; k < mine.size(); ++k) {
        const BatchRow& r = manifest.rows[mine[k]];
        RowOutcome out;
        try {
            out = runRow(o, r, modelSha, k + 1, mine.size());
        } catch (const CancelledError&) {
            if (o.shard.sharded() && !statuses.empty())
                writeStatusTable(statusFile, statuses);
            std::cerr << "refractome-cli batch: cancelled during " << r.id
                      << "; finished steps are kept, run the same command again to resume\n";
            return kExitCancelled;
        }
        failed += out.status.status == "failed";
        statuses.push_back(out.status);
        byId[out.status.id] = out.status;
        if (o.shard.sharded())
            writeStatusTable(statusFile, statuses);  // visible progress; atomic each time
    }

    if (o.shard.sharded()) {
        std::cout << "batch " << o.shard.label() << ": " << mine.size() << " inputs: " << mine.size() - failed
                  << " done, " << failed << " failed; status: " << statusFile
                  << " (merge with --merge when all shards have finished)\n";
        return failed ? kExitFailure : kExitOk;
    }
    const MergeSummary sum = mergeBatch(o, manifest, byId, true, modelSha);
    std::cout << "batch: " << manifest.rows.size() << " inputs: " << sum.done << " done, " << sum.failed << " failed"
              << "; status: " << (fs::path(o.outDir) / "status.csv").string();
    if (sum.wroteFeatures)
        std::cout << "; features: " << (fs::path(o.outDir) / "features.csv").string() << " (" << sum.featureRows
                  << " cells)";
    std::cout << "\n";
    return sum.failed + sum.pending ? kExitFailure : kExitOk;
}

} // namespace rfx::cli
