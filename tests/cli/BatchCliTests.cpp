// `refractome-cli batch` end to end: refusals (exit 2, one line, nothing written), a failing input
// recorded while the batch goes on (exit 1), resume from completion markers (checksums), per-input
// logs, sharding over N runs plus --merge, and the predict -> segment -> profile chain with its
// merged feature table (segment/profile when this refractome-cli has them).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/batch/BatchManifest.h"
#include "core/batch/BatchState.h"
#include "core/io/ResultsReader.h"
#include "core/io/TiffWriter.h"
#include "core/synth/BeadPairGenerator.h"
#include "tests/support/CliRunner.h"
#include "tests/support/TempDir.h"

using namespace rfx;
using test::quoted;
using test::runCli;
namespace fs = std::filesystem;

namespace {
std::string slurp(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void writeFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::size_t countOf(const std::string& text, const std::string& what)
{
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1))
        ++n;
    return n;
}

std::size_t lineCount(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

bool hasCommand(const std::string& name) { return runCli(name + " --help").exitCode == 0; }

std::map<std::string, std::string> statusById(const std::string& file)
{
    std::map<std::string, std::string> m;
    for (const auto& s : readStatusTable(file))
        m[s.id] = s.status;
    return m;
}

// A small bead pair as TIFFs (relaxed, stressed) in dir.
void writePair(const test::TempDir& dir, const std::string& relaxed, const std::string& stressed)
{
    BeadPairParams p;
    p.shape = {32, 48, 48};
    p.seed = 5;
    const BeadPair bp = generateBeadPair(p);
    writeImageJTiff(dir.file(relaxed), bp.relaxed, "a.u.");
    writeImageJTiff(dir.file(stressed), bp.stressed, "a.u.");
}

const std::string kTfm = " --steps tfm --young 1000 --poisson 0.45 --tfm-args '--window 16' --quiet";
} // namespace

TEST_CASE("batch refuses bad input with one line and exit 2, writing nothing", "[cli][batch]")
{
    test::TempDir dir;
    writeFile(dir.file("a.h5"), "x");
    const std::string out = dir.file("out");
    auto refused = [&](const std::string& args, const std::string& expect) {
        auto r = runCli("batch " + args);
        INFO(args << "\n" << r.err);
        CHECK(r.exitCode == 2);
        CHECK(lineCount(r.err) == 1);
        CHECK(r.err.find(expect) != std::string::npos);
        CHECK(r.out.empty());
        CHECK_FALSE(fs::exists(out));
    };
    const std::string m = dir.file("m.csv");
    writeFile(m, "path,condition\na.h5,control\n");
    const std::string o = " --out " + quoted(out);
    refused(quoted(dir.file("none.csv")) + " --steps predict" + o, "none.csv: not found");
    refused(quoted(m) + o, "missing --steps");
    refused(quoted(m) + " --steps predict", "missing --out");
    refused(quoted(m) + " --steps predict,polish" + o, "--steps: unknown step 'polish'");
    refused(quoted(m) + " --steps predict" + o + " --shard 2/2", "--shard: expected I/N");
    refused(quoted(m) + " --steps predict" + o + " --shard x", "--shard: expected I/N");
    refused(quoted(m) + " --steps predict" + o + " --predict-args '--bogus 1'", "unknown option '--bogus'");
    refused(quoted(m) + " --steps predict" + o + " --tfm-args '--window 8'", "--tfm-args: step 'tfm' is not in --steps");
    refused(quoted(m) + " --steps tfm" + o, "missing column 'relaxed'");
    writeFile(m, "path,frames\na.h5,0\n");
    refused(quoted(m) + " --steps predict,profile" + o,
            hasCommand("profile") ? "missing column 'condition'" : "step 'profile' is not available");
    writeFile(m, "file,condition\na.h5,control\n");
    refused(quoted(m) + " --steps predict" + o, "missing column 'path'");
    writeFile(m, "path,condition\na.h5,control\nmissing.h5,treated\n");
    refused(quoted(m) + " --steps predict" + o, "line 3: path '" + dir.file("missing.h5") + "' not found");
    writeFile(m, "path,condition,frames\na.h5,control,5:2\n");
    refused(quoted(m) + " --steps predict" + o, "line 2: frames '5:2'");
    writeFile(dir.file("r.tif"), "x");
    writeFile(m, "relaxed,stressed\nr.tif,r.tif\n");
    refused(quoted(m) + " --steps tfm" + o, "tfm needs young and poisson");
}

TEST_CASE("batch tfm: a failing input is recorded, the others finish; a rerun resumes", "[cli][batch]")
{
    test::TempDir dir;
    writePair(dir, "relaxed.tif", "stressed.tif");
    writeFile(dir.file("broken.tif"), "not a TIFF");
    writeFile(dir.file("m.csv"), "id,relaxed,stressed,poisson\n"
                                 "gel_a,relaxed.tif,stressed.tif,\n"
                                 "gel_broken,broken.tif,stressed.tif,\n"
                                 "gel_b,relaxed.tif,stressed.tif,0.4\n");
    const std::string out = dir.file("out");
    auto r = runCli("batch " + quoted(dir.file("m.csv")) + " --out " + quoted(out) + kTfm);
    INFO(r.err);
    CHECK(r.exitCode == 1);
    CHECK(r.out.find("3 inputs: 2 done, 1 failed") != std::string::npos);
    auto st = statusById(out + "/status.csv");
    CHECK(st == std::map<std::string, std::string>{{"gel_a", "done"}, {"gel_b", "done"}, {"gel_broken", "failed"}});
    for (const auto& s : readStatusTable(out + "/status.csv"))
        if (s.id == "gel_broken") {
            CHECK(s.failedStep == "tfm");
            CHECK(s.message.find("broken.tif") != std::string::npos);
            CHECK(s.log == "logs/gel_broken.log");
        }
    for (const char* id : {"gel_a", "gel_b"}) {
        CHECK(fs::exists(out + "/" + id + "/forces.h5"));
        CHECK(fs::exists(out + "/" + id + "/force_vectors.csv"));
        CHECK(fs::exists(out + "/" + id + "/tfm.done.json"));
    }
    CHECK_FALSE(fs::exists(out + "/gel_broken/forces.h5"));
    CHECK_FALSE(fs::exists(out + "/gel_broken/tfm.done.json"));
    const std::string logA = slurp(out + "/logs/gel_a.log");
    CHECK(logA.find("refractome-cli tfm ") != std::string::npos);  // the command line it ran
    CHECK(logA.find("--poisson 0.45") != std::string::npos);
    CHECK(slurp(out + "/logs/gel_b.log").find("--poisson 0.4 ") != std::string::npos);  // per-row column wins
    CHECK(slurp(out + "/logs/gel_broken.log").find("tfm: FAILED") != std::string::npos);
    // No temporaries left anywhere.
    for (const auto& e : fs::recursive_directory_iterator(out))
        CHECK(e.path().filename().string().find(".partial") == std::string::npos);

    // Rerun: finished rows are verified and skipped; the broken one is tried again.
    const auto mtime = fs::last_write_time(out + "/gel_a/forces.h5");
    auto again = runCli("batch " + quoted(dir.file("m.csv")) + " --out " + quoted(out) + kTfm);
    CHECK(again.exitCode == 1);
    CHECK(fs::last_write_time(out + "/gel_a/forces.h5") == mtime);
    CHECK(countOf(slurp(out + "/logs/gel_a.log"), "already done") == 1);
    CHECK(countOf(slurp(out + "/logs/gel_broken.log"), "tfm: FAILED") == 2);

    // A changed output fails its checksum and is recomputed; so is a changed option.
    { std::ofstream(out + "/gel_b/force_vectors.csv", std::ios::app) << "tampered\n"; }
    fs::remove(dir.file("broken.tif"));
    writeFile(dir.file("m.csv"), "id,relaxed,stressed,poisson\ngel_a,relaxed.tif,stressed.tif,\n"
                                 "gel_b,relaxed.tif,stressed.tif,0.4\n");
    auto third = runCli("batch " + quoted(dir.file("m.csv")) + " --out " + quoted(out) + kTfm);
    INFO(third.err);
    CHECK(third.exitCode == 0);
    CHECK(slurp(out + "/logs/gel_b.log").find("tfm (force_vectors.csv changed size)") != std::string::npos);
    CHECK(slurp(out + "/gel_b/force_vectors.csv").find("tampered") == std::string::npos);
    CHECK(fs::last_write_time(out + "/gel_a/forces.h5") == mtime);
    CHECK(statusById(out + "/status.csv") == std::map<std::string, std::string>{{"gel_a", "done"}, {"gel_b", "done"}});
}

TEST_CASE("batch shards: N runs cover every row exactly once, --merge collects them", "[cli][batch][shard]")
{
    test::TempDir dir;
    writePair(dir, "relaxed.tif", "stressed.tif");
    std::string manifest = "id,relaxed,stressed\n";
    const int rows = 5;
    for (int i = 0; i < rows; ++i)
        manifest += "g" + std::to_string(i) + ",relaxed.tif,stressed.tif\n";
    writeFile(dir.file("m.csv"), manifest);
    const std::string out = dir.file("out");
    const std::string base = "batch " + quoted(dir.file("m.csv")) + " --out " + quoted(out) + kTfm;

    auto r0 = runCli(base + " --shard 0/2");
    INFO(r0.err);
    REQUIRE(r0.exitCode == 0);
    CHECK(r0.out.find("shard-0-of-2: 3 inputs: 3 done, 0 failed") != std::string::npos);
    CHECK(statusById(out + "/status-shard-0-of-2.csv").size() == 3);
    CHECK_FALSE(fs::exists(out + "/status.csv"));  // shards never write the shared tables

    auto early = runCli(base + " --merge");
    CHECK(early.exitCode == 1);
    CHECK(early.out.find("3 done, 0 failed, 2 pending") != std::string::npos);

    auto r1 = runCli(base + " --shard 1/2");
    REQUIRE(r1.exitCode == 0);
    CHECK(statusById(out + "/status-shard-1-of-2.csv").size() == 2);
    for (int i = 0; i < rows; ++i) {
        const std::string log = slurp(out + "/logs/g" + std::to_string(i) + ".log");
        CHECK(countOf(log, "refractome-cli tfm ") == 1);  // ran exactly once
        CHECK(countOf(log, i % 2 ? "shard-1-of-2" : "shard-0-of-2") == 1);
    }
    auto merged = runCli(base + " --merge");
    INFO(merged.err);
    CHECK(merged.exitCode == 0);
    CHECK(merged.out.find("5 inputs: 5 done, 0 failed, 0 pending") != std::string::npos);
    const auto st = statusById(out + "/status.csv");
    CHECK(st.size() == rows);
    for (const auto& [id, s] : st)
        CHECK(s == "done");
    CHECK(runCli(base + " --merge --shard 0/2").exitCode == 2);
}

#ifdef REFRACTOME_CLI_HAS_TORCH
TEST_CASE("batch predict[,segment][,profile] with the bundled model: outputs, resume, merged features", "[cli][batch]")
{
    test::TempDir dir;
    REQUIRE(runCli("synth cells --size 32,128,128 --cells 2 --frames 2 --seed 4 --quiet -o " + quoted(dir.file("a.h5")))
                .exitCode == 0);
    REQUIRE(runCli("synth cells --size 32,128,128 --cells 2 --seed 5 --condition treated --quiet -o " +
                   quoted(dir.file("b.h5")))
                .exitCode == 0);
    writeFile(dir.file("bad.h5"), "not HDF5");
    writeFile(dir.file("m.csv"), "path,condition,frames\na.h5,control,1\nbad.h5,control,\nb.h5,treated,\n");
    std::string steps = "predict";
    if (hasCommand("segment"))
        steps += ",segment";
    if (hasCommand("segment") && hasCommand("profile"))
        steps += ",profile";
    const std::string out = dir.file("out");
    const std::string cmd = "batch " + quoted(dir.file("m.csv")) + " --steps " + steps + " --out " + quoted(out) +
                            " --device cpu --predict-args '--threads 2'";
    auto r = runCli(cmd);
    INFO(steps << "\n" << r.err << r.out);
    CHECK(r.exitCode == 1);
    CHECK(r.err.find("[2/3] bad: failed") != std::string::npos);
    CHECK(statusById(out + "/status.csv") ==
          std::map<std::string, std::string>{{"a_t1", "done"}, {"bad", "failed"}, {"b", "done"}});
    DatasetPtr pa = openResults(out + "/a_t1/prediction.h5");
    CHECK(pa->frameCount() == 1);  // the manifest's frame range reached predict
    CHECK(pa->channel(0).times_s == std::vector<double>{60.0});
    CHECK(slurp(out + "/logs/a_t1.log").find("--frames 1") != std::string::npos);
    CHECK(slurp(out + "/logs/a_t1.log").find("--device cpu") != std::string::npos);
    if (steps.find("segment") != std::string::npos)
        CHECK(fs::exists(out + "/b/segmentation.h5"));
    if (steps.find("profile") != std::string::npos) {
        const std::string merged = slurp(out + "/features.csv");
        CHECK(merged.rfind("source_file,", 0) == 0);
        CHECK(merged.find("\na.h5,") != std::string::npos);
        CHECK(merged.find("\nb.h5,") != std::string::npos);
        CHECK(merged.find("treated") != std::string::npos);
    }

    // Rerun after fixing the manifest: the good rows are skipped, nothing recomputed.
    writeFile(dir.file("m.csv"), "path,condition,frames\na.h5,control,1\nb.h5,treated,\n");
    const auto mtime = fs::last_write_time(out + "/b/prediction.h5");
    auto again = runCli(cmd + " --quiet");
    INFO(again.err);
    CHECK(again.exitCode == 0);
    CHECK(again.err.empty());
    CHECK(fs::last_write_time(out + "/b/prediction.h5") == mtime);
    CHECK(countOf(slurp(out + "/logs/b.log"), "predict: already done") == 1);
    // Another predict option changes the fingerprint: predict and everything after it rerun.
    auto tta = runCli(cmd + " --quiet --predict-args '--threads 2 --tta 2'");
    CHECK(tta.exitCode == 0);
    CHECK(slurp(out + "/logs/b.log").find("predict (inputs or options changed since the last run)") != std::string::npos);
    CHECK(openResults(out + "/b/prediction.h5")->channelCount() > pa->channelCount());  // now with _data_std maps
}
#endif
