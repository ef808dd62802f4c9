// Batch bookkeeping in core: manifest parsing and validation, sharding (every row in exactly one
// shard), completion markers with checksums, status tables and merged feature tables.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "core/batch/BatchManifest.h"
#include "core/batch/BatchState.h"
#include "core/util/Errors.h"
#include "tests/support/TempDir.h"

using namespace rfx;
namespace fs = std::filesystem;

namespace {
void writeFile(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no InputError)";
}

ManifestRequirements imageSteps()
{
    ManifestRequirements r;
    r.needPath = true;
    r.needCondition = true;
    return r;
}
} // namespace

TEST_CASE("N shards cover every manifest row exactly once, balanced and in order", "[batch][shard]")
{
    for (std::size_t rows : {0u, 1u, 2u, 5u, 17u, 100u, 1001u}) {
        for (std::size_t n : {1u, 2u, 3u, 4u, 7u, 16u, 150u}) {
            std::vector<int> seen(rows, 0);
            std::size_t smallest = rows + 1, largest = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const auto mine = shardRows(rows, parseShardSpec(std::to_string(i) + "/" + std::to_string(n)));
                CHECK(std::is_sorted(mine.begin(), mine.end()));
                for (std::size_t r : mine) {
                    REQUIRE(r < rows);
                    ++seen[r];
                }
                smallest = std::min(smallest, mine.size());
                largest = std::max(largest, mine.size());
            }
            INFO(rows << " rows, " << n << " shards");
            CHECK(std::all_of(seen.begin(), seen.end(), [](int c) { return c == 1; }));
            CHECK(largest - smallest <= 1);
        }
    }
    // Deterministic, and appending rows never moves a row to another shard.
    const auto a = shardRows(10, parseShardSpec("2/3"));
    CHECK(a == std::vector<std::size_t>{2, 5, 8});
    const auto b = shardRows(13, parseShardSpec("2/3"));
    CHECK(std::vector<std::size_t>(b.begin(), b.begin() + 3) == a);
}

TEST_CASE("shard specs are I/N with 0 <= I < N", "[batch][shard]")
{
    CHECK(parseShardSpec("0/1").count == 1);
    const ShardSpec s = parseShardSpec("3/4");
    CHECK(s.index == 3);
    CHECK(s.count == 4);
    CHECK(s.label() == "shard-3-of-4");
    for (const char* bad : {"4/4", "1/0", "0/0", "a/b", "1", "-1/2", "1/2/3", "", "/2", "1/", " 1/2"})
        CHECK(errorOf([&] { parseShardSpec(bad); }).find("--shard: expected I/N") == 0);
}

TEST_CASE("manifests: header columns in any order, quoting, relative paths, ids", "[batch][manifest]")
{
    test::TempDir dir;
    fs::create_directories(dir.file("data"));
    writeFile(dir.file("data/a.h5"), "x");
    writeFile(dir.file("data/b c.h5"), "x");
    writeFile(dir.file("manifest.csv"),
              "\xEF\xBB\xBF" "Condition,PATH,frames,notes\r\n"
              "control,data/a.h5,,\"first, with a comma\"\r\n"
              "\r\n"
              "\"treated, 10 uM\",data/b c.h5,0:2,\"a \"\"quoted\"\" note\"\r\n"
              "treated,data/a.h5,3,\n");
    const BatchManifest m = readBatchManifest(dir.file("manifest.csv"), imageSteps());
    REQUIRE(m.rows.size() == 3);
    CHECK(m.columns == std::vector<std::string>{"condition", "path", "frames", "notes"});
    CHECK(m.rows[0].path == fs::path(dir.file("data/a.h5")).lexically_normal().string());
    CHECK(m.rows[0].pathAsWritten == "data/a.h5");
    CHECK(m.rows[0].id == "a");
    CHECK(m.rows[0].line == 2);
    CHECK(m.rows[1].condition == "treated, 10 uM");
    CHECK(m.rows[1].frames == "0:2");
    CHECK(m.rows[1].id == "b_c_t0_2");
    CHECK(m.rows[1].line == 4);
    CHECK(m.rows[1].index == 1);
    CHECK(m.rows[2].id == "a_t3");  // same file, other frames: still a unique id
}

TEST_CASE("manifests: explicit ids and tfm columns", "[batch][manifest]")
{
    test::TempDir dir;
    writeFile(dir.file("r.tif"), "x");
    writeFile(dir.file("s.tif"), "x");
    writeFile(dir.file("m.csv"), "id,relaxed,stressed,young,poisson\ngel 1,r.tif,s.tif,1000,0.45\n");
    ManifestRequirements req;
    req.needTfm = true;
    const BatchManifest m = readBatchManifest(dir.file("m.csv"), req);
    REQUIRE(m.rows.size() == 1);
    CHECK(m.rows[0].id == "gel_1");
    CHECK(m.rows[0].relaxed == dir.file("r.tif"));
    CHECK(m.rows[0].young == "1000");
    CHECK(m.rows[0].poisson == "0.45");
    CHECK(m.rows[0].path.empty());
}

TEST_CASE("manifests: one-line errors naming file and line", "[batch][manifest]")
{
    test::TempDir dir;
    writeFile(dir.file("a.h5"), "x");
    const std::string m = dir.file("m.csv");
    auto err = [&](const std::string& text, ManifestRequirements req) {
        writeFile(m, text);
        return errorOf([&] { readBatchManifest(m, req); });
    };
    CHECK(errorOf([&] { readBatchManifest(dir.file("none.csv"), imageSteps()); }) == dir.file("none.csv") + ": not found");
    CHECK(err("", imageSteps()).find("empty manifest") != std::string::npos);
    CHECK(err("path,condition\n", imageSteps()) == m + ": the manifest lists no inputs (only a header)");
    CHECK(err("file,condition\na.h5,x\n", imageSteps()).find(m + ": missing column 'path'") == 0);
    CHECK(err("path\na.h5\n", imageSteps()).find(m + ": missing column 'condition'") == 0);
    ManifestRequirements tfm;
    tfm.needTfm = true;
    CHECK(err("path,relaxed\na.h5,a.h5\n", tfm).find(m + ": missing column 'stressed'") == 0);
    CHECK(err("path,condition\nmissing.h5,x\n", imageSteps()) ==
          m + " line 2: path '" + dir.file("missing.h5") + "' not found");
    CHECK(err("path,condition\na.h5,\n", imageSteps()) == m + " line 2: empty 'condition'");
    CHECK(err("path,condition,frames\na.h5,x,2:1\n", imageSteps()).find(m + " line 2: frames '2:1'") == 0);
    CHECK(err("path,condition,frames\na.h5,x,a\n", imageSteps()).find(m + " line 2: frames 'a'") == 0);
    CHECK(err("path,condition\na.h5,x\na.h5,y\n", imageSteps()).find(m + " line 3: id 'a' is used by an earlier row") == 0);
    CHECK(err("path,condition\na.h5,x,extra\n", imageSteps()).find(m + " line 2: 3 cells but the header has 2") == 0);
    CHECK(err("path,condition\n\"a.h5,x\n", imageSteps()).find("unterminated quote starting on line 2") != std::string::npos);
    CHECK(err("path,path\na.h5,a.h5\n", imageSteps()).find("duplicate column 'path'") != std::string::npos);
    CHECK(err("relaxed,stressed,young\na.h5,a.h5,soft\n", tfm) == m + " line 2: young 'soft' is not a number");
    // Frame-range syntax on its own.
    for (const char* ok : {"0", "3", "0:2", ":4", "2:", ":"})
        CHECK(isFrameRangeSyntax(ok));
    for (const char* bad : {"", "a", "1:1", "3:2", "-1:2", "1:2:3", "1.5"})
        CHECK_FALSE(isFrameRangeSyntax(bad));
}

TEST_CASE("completion markers verify fingerprint and output checksums", "[batch][resume]")
{
    test::TempDir dir;
    const std::string out = dir.file("prediction.h5");
    const std::string marker = dir.file("predict.done.json");
    writeFile(out, "some results");
    const nlohmann::json fp = {{"step", "predict"}, {"args", {"in.h5", "--tta", "2"}}};
    std::string why;
    CHECK_FALSE(completionMarkerValid(marker, fp, &why));
    CHECK(why == "no completion marker");

    writeCompletionMarker(marker, fp, {out});
    CHECK(completionMarkerValid(marker, fp, &why));
    CHECK(markerOutputSha256(marker, "prediction.h5").size() == 64);
    CHECK(test::entryCount(dir.path()) == 2);  // no temporary left behind

    nlohmann::json other = fp;
    other["args"][2] = "4";
    CHECK_FALSE(completionMarkerValid(marker, other, &why));
    CHECK(why == "inputs or options changed since the last run");

    writeFile(out, "some resulTs");  // same size, other content
    CHECK_FALSE(completionMarkerValid(marker, fp, &why));
    CHECK(why == "prediction.h5 checksum differs");

    fs::remove(out);
    CHECK_FALSE(completionMarkerValid(marker, fp, &why));
    CHECK(why == "prediction.h5 is missing");

    writeFile(marker, "{ not json");
    CHECK_FALSE(completionMarkerValid(marker, fp, &why));
    CHECK_THROWS(writeCompletionMarker(marker, fp, {out}));  // output missing: no marker claims it
}

TEST_CASE("status tables round-trip; feature tables merge with a source_file column", "[batch][merge]")
{
    test::TempDir dir;
    BatchRowStatus s;
    s.id = "a";
    s.line = 2;
    s.path = "data/a, b.h5";
    s.condition = "control";
    s.status = "failed";
    s.steps = "predict:failed";
    s.failedStep = "predict";
    s.message = "a.h5: not an RI volume\nsecond line";
    s.seconds = 1.25;
    s.log = "logs/a.log";
    writeStatusTable(dir.file("status.csv"), {s});
    const auto back = readStatusTable(dir.file("status.csv"));
    REQUIRE(back.size() == 1);
    CHECK(back[0].path == s.path);
    CHECK(back[0].message == "a.h5: not an RI volume second line");
    CHECK(back[0].status == "failed");
    CHECK(back[0].line == 2);

    writeFile(dir.file("f1.csv"), "cell_id,condition,volume_um3\n1,control,100\n2,control,\"1e2\"\n");
    writeFile(dir.file("f2.csv"), "cell_id,condition,volume_um3\n1,\"treated, 10 uM\",90\n");
    const std::size_t rows =
        mergeFeatureTables({{dir.file("f1.csv"), "a.h5"}, {dir.file("f2.csv"), "b.h5"}}, dir.file("all.csv"));
    CHECK(rows == 3);
    std::ifstream in(dir.file("all.csv"));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text == "source_file,cell_id,condition,volume_um3\na.h5,1,control,100\na.h5,2,control,1e2\n"
                  "b.h5,1,\"treated, 10 uM\",90\n");

    // Tables that already name their source keep their layout; the batch's input replaces the
    // intermediate file they were measured from (unless none is given).
    writeFile(dir.file("g1.csv"), "cell_id,source_file\n1,out/a/segmentation.h5\n");
    writeFile(dir.file("g2.csv"), "cell_id,source_file\n4,y.h5\n");
    mergeFeatureTables({{dir.file("g1.csv"), "plate/a.TCF"}, {dir.file("g2.csv"), ""}}, dir.file("g.csv"));
    std::ifstream in2(dir.file("g.csv"));
    std::string text2((std::istreambuf_iterator<char>(in2)), std::istreambuf_iterator<char>());
    CHECK(text2 == "cell_id,source_file\n1,plate/a.TCF\n4,y.h5\n");

    writeFile(dir.file("f3.csv"), "cell_id,volume_um3\n1,3\n");
    CHECK(errorOf([&] {
              mergeFeatureTables({{dir.file("f1.csv"), "a"}, {dir.file("f3.csv"), "c"}}, dir.file("bad.csv"));
          }).find(dir.file("f3.csv") + ": its columns differ") == 0);
    CHECK_FALSE(fs::exists(dir.file("bad.csv")));
}
