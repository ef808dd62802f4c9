// refractome-cli embed and stats end to end: output columns and row order, reproducibility,
// and bad input (exit 2, nothing written).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/analysis/FeatureTable.h"
#include "tests/support/CliRunner.h"
#include "tests/support/TempDir.h"

using namespace rfx;
using test::quoted;
using test::runCli;

namespace {

std::string readAll(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// 90 cells in three conditions (control second), identifier columns mixed in between features,
// a text column and a constant column.
std::string featureCsv()
{
    std::mt19937 rng(4);
    std::normal_distribution<double> normal;
    const char* conditions[] = {"drug_a", "control", "drug_b"};
    std::ostringstream csv;
    csv.precision(12);
    csv << "source_file,cell_id,condition,volume_um3,centroid_x_um,ri_mean,well,flat";
    for (int f = 0; f < 6; ++f)
        csv << ",fl_" << f;
    csv << "\n";
    for (int i = 0; i < 90; ++i) {
        const int c = i % 3;
        csv << "\"plate 1, a.h5\"," << 1000 + i << "," << conditions[c] << ","
            << 800 + 150 * c + 40 * normal(rng) << "," << 10 * normal(rng) << ","
            << 1.36 + 0.004 * c + 0.002 * normal(rng) << ",A" << c << ",3";
        for (int f = 0; f < 6; ++f)
            csv << "," << (f < 3 ? c * 2.0 : 0.0) + normal(rng);
        csv << "\n";
    }
    return csv.str();
}

// The stats output has empty cells (undefined tests), which a FeatureTable refuses; its cells
// never need quoting here, so plain splitting suffices.
std::vector<std::vector<std::string>> splitCsv(const std::string& text)
{
    std::vector<std::vector<std::string>> rows;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        rows.emplace_back();
        std::istringstream cells(line);
        for (std::string cell; std::getline(cells, cell, ',');)
            rows.back().push_back(cell);
        if (!line.empty() && line.back() == ',')
            rows.back().push_back("");
    }
    return rows;
}

std::string write(const test::TempDir& dir, const std::string& name, const std::string& text)
{
    std::ofstream(dir.file(name), std::ios::binary) << text;
    return dir.file(name);
}

} // namespace

TEST_CASE("embed keeps rows and identifier columns and adds umap_1, umap_2", "[cli][analysis]")
{
    test::TempDir dir;
    const std::string in = write(dir, "features.csv", featureCsv());
    const std::string out = dir.file("umap.csv");
    auto r = runCli("embed " + quoted(in) + " -o " + quoted(out) + " --quiet --seed 3");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.err.find("'flat' is constant") != std::string::npos);
    CHECK(r.err.find("'well' is not numeric") != std::string::npos);

    const FeatureTable input = FeatureTable::read(in);
    const FeatureTable t = FeatureTable::read(out);
    CHECK(t.columns() ==
          std::vector<std::string>{"source_file", "cell_id", "condition", "centroid_x_um", "well", "umap_1", "umap_2"});
    REQUIRE(t.rowCount() == 90);
    for (std::size_t i = 0; i < 90; ++i) {
        CHECK(t.cell(i, 0) == "plate 1, a.h5");
        CHECK(t.cell(i, 1) == input.cell(i, 1));
        CHECK(t.cell(i, 2) == input.cell(i, 2));
    }
    CHECK(t.isFeature(5));
    CHECK(t.isFeature(6));

    // Reproducible to the byte; the seed matters.
    REQUIRE(runCli("embed " + quoted(in) + " -o " + quoted(dir.file("again.csv")) + " --quiet --seed 3").exitCode == 0);
    CHECK(readAll(out) == readAll(dir.file("again.csv")));
    REQUIRE(runCli("embed " + quoted(in) + " -o " + quoted(dir.file("other.csv")) + " --quiet --seed 4 --neighbors 8 "
                   "--min-dist 0.1").exitCode == 0);
    CHECK(readAll(out) != readAll(dir.file("other.csv")));
}

TEST_CASE("stats writes the long format ranked by ANOVA F", "[cli][analysis]")
{
    test::TempDir dir;
    const std::string in = write(dir, "features.csv", featureCsv());
    const std::string out = dir.file("stats.csv");
    auto r = runCli("stats " + quoted(in) + " --by condition -o " + quoted(out));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.err.find("control 'control'") != std::string::npos);

    const auto rows = splitCsv(readAll(out));
    REQUIRE(rows.at(0) == std::vector<std::string>{"feature", "test", "group", "statistic", "p", "p_adj"});
    auto cell = [&](std::size_t r, std::size_t c) { return rows.at(r + 1).at(c); };
    const std::size_t n = rows.size() - 1;
    // 9 numeric non-identifier columns (flat included: its tests are undefined) x (anova + 2 x 2 t-tests).
    REQUIRE(n == 9 * 5);
    double previousF = 1e300;
    for (std::size_t i = 0; i < n; i += 5) {
        CHECK(cell(i, 1) == "anova");
        CHECK(cell(i, 2) == "all");
        CHECK(cell(i + 1, 1) == "t_student");
        CHECK(cell(i + 1, 2) == "drug_a");
        CHECK(cell(i + 2, 2) == "drug_b");
        CHECK(cell(i + 3, 1) == "t_welch");
        CHECK(cell(i + 4, 2) == "drug_b");
        if (cell(i, 3).empty()) {
            CHECK(cell(i, 0) == "flat");  // undefined F sorts last
            CHECK(i == n - 5);
            continue;
        }
        const double f = std::stod(cell(i, 3));
        CHECK(f <= previousF);
        previousF = f;
        for (std::size_t j = i; j < i + 5; ++j) {
            const double p = std::stod(cell(j, 4)), q = std::stod(cell(j, 5));
            CHECK(p >= 0);
            CHECK(q >= p);
            CHECK(q <= 1);
        }
    }
    CHECK(cell(0, 0) == "volume_um3");  // the strongest effect
    for (std::size_t r = 1; r < rows.size(); ++r)
        CHECK(rows[r].size() == 6);
    for (const char* id : {"cell_id", "centroid_x_um", "condition", "well"})
        CHECK(readAll(out).find(std::string("\n") + id + ",") == std::string::npos);

    // An explicit control changes the compared groups.
    REQUIRE(runCli("stats " + quoted(in) + " --by condition --control drug_b -o " + quoted(out)).exitCode == 0);
    const auto rows2 = splitCsv(readAll(out));
    CHECK(rows2.at(2).at(2) == "drug_a");
    CHECK(rows2.at(3).at(2) == "control");
}

TEST_CASE("embed and stats refuse bad input with exit 2 and write nothing", "[cli][analysis]")
{
    test::TempDir dir;
    const std::string good = write(dir, "good.csv", featureCsv());
    std::string missing = featureCsv();
    missing.replace(missing.find(",3,") + 1, 1, "");  // empties 'flat' in the first data row
    const std::string bad = write(dir, "missing.csv", missing);
    const std::string single = write(dir, "single.csv", "cell_id,condition,a,b\n1,control,2,3\n");
    const std::string oneCondition = write(dir, "one.csv", "cell_id,condition,a,b\n1,x,2,3\n2,x,3,5\n3,x,4,4\n");

    test::TempDir outDir;
    const std::string out = quoted(outDir.file("out.csv"));
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"embed " + quoted(bad) + " -o " + out, "row 1"},
        {"stats " + quoted(bad) + " --by condition -o " + out, "'flat'"},
        {"embed " + quoted(single) + " -o " + out, "at least 2 rows"},
        {"stats " + quoted(single) + " --by condition -o " + out, "at least 2 rows"},
        {"stats " + quoted(oneCondition) + " --by condition -o " + out, "two groups"},
        {"stats " + quoted(good) + " --by treatment -o " + out, "'treatment'"},
        {"stats " + quoted(good) + " -o " + out, "--by"},
        {"stats " + quoted(good) + " --by condition --control placebo -o " + out, "placebo"},
        {"embed " + quoted(good) + " --neighbors 1 -o " + out, "--neighbors"},
        {"embed " + quoted(good) + " --min-dist 2 -o " + out, "--min-dist"},
        {"embed " + quoted(dir.file("absent.csv")) + " -o " + out, "absent.csv"},
    };
    for (const auto& [args, message] : cases) {
        INFO(args);
        const auto r = runCli(args);
        CHECK(r.exitCode == 2);
        CHECK(r.err.find(message) != std::string::npos);
        CHECK(test::entryCount(outDir.path()) == 0);
    }
}
