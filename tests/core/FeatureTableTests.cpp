// Feature tables: RFC 4180 parsing, feature/identifier classification, refusal of missing values
// with file, row and column in the message, and the z-scored matrix handed to UMAP.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include "core/analysis/FeatureMatrix.h"
#include "core/analysis/FeatureTable.h"
#include "core/util/Errors.h"
#include "tests/support/TempDir.h"

using namespace rfx;

TEST_CASE("feature tables parse RFC 4180 quoting, CRLF, BOM and blank lines", "[features]")
{
    const std::string text = "\xEF\xBB\xBF"
                             "cell_id,\"name, quoted\",area\r\n"
                             "1,\"say \"\"hi\"\"\",2.5\r\n"
                             "\r\n"
                             "2,\"two\nlines\",-1e3\r\n"
                             "3,plain,+4";  // no final newline
    const FeatureTable t = FeatureTable::parse(text, "q.csv");
    REQUIRE(t.columns() == std::vector<std::string>{"cell_id", "name, quoted", "area"});
    REQUIRE(t.rowCount() == 3);
    CHECK(t.cell(0, 1) == "say \"hi\"");
    CHECK(t.cell(1, 1) == "two\nlines");
    CHECK(t.values(2) == std::vector<double>{2.5, -1000.0, 4.0});
    // Round trip through the writer keeps every cell.
    const FeatureTable again = FeatureTable::parse(t.toCsv(), "again.csv");
    for (std::size_t r = 0; r < t.rowCount(); ++r)
        for (std::size_t c = 0; c < t.columnCount(); ++c)
            CHECK(again.cell(r, c) == t.cell(r, c));
}

TEST_CASE("identifier, non-numeric and feature columns are told apart", "[features]")
{
    const FeatureTable t = FeatureTable::parse("source_file,frame,cell_id,condition,centroid_x_um,well,volume_um3,ri\n"
                                               "a.h5,0,1,control,3.5,A1,120,1.37\n"
                                               "a.h5,1,2,drug,4.5,A2,130,1.38\n",
                                               "c.csv");
    CHECK(t.featureColumns() == std::vector<std::size_t>{6, 7});
    CHECK(t.nonFeatureColumns() == std::vector<std::size_t>{0, 1, 2, 3, 4, 5});
    CHECK(t.nonNumericColumns() == std::vector<std::size_t>{5});  // "well": not listed, not numeric
    for (const char* id : {"source_file", "file", "frame", "time_s", "cell_id", "track_id", "condition",
                           "centroid_x_um", "centroid_y_um", "centroid_z_um"})
        CHECK(isIdentifierColumnName(id));
    CHECK_FALSE(isIdentifierColumnName("volume_um3"));
    CHECK_THROWS_AS(t.values(0), std::logic_error);

    // A row index written by pandas (empty header or "Unnamed: 0") is numeric but not a feature.
    const FeatureTable p = FeatureTable::parse(",cell_id,volume_um3\n0,1,120\n1,2,130\n", "p.csv");
    CHECK(p.featureColumns() == std::vector<std::size_t>{2});
    CHECK(p.nonFeatureColumns() == std::vector<std::size_t>{0, 1});
    CHECK(isIdentifierColumnName("Unnamed: 0"));
    CHECK(isIdentifierColumnName("index"));
    CHECK(t.columnIndex("ri") == 7);
    CHECK(t.columnIndex("nope") == -1);
}

TEST_CASE("bad feature tables are refused with file, row and column", "[features]")
{
    CHECK_THROWS_WITH(FeatureTable::parse("cell_id,area,ri\n1,2,1.3\n2,,1.4\n", "m.csv"),
                      Catch::Contains("m.csv") && Catch::Contains("row 2") && Catch::Contains("'area'") &&
                          Catch::Contains("missing"));
    CHECK_THROWS_WITH(FeatureTable::parse("cell_id,area,ri\n1,2,NaN\n2,3,1.4\n", "n.csv"),
                      Catch::Contains("row 1") && Catch::Contains("'ri'"));
    CHECK_THROWS_WITH(FeatureTable::parse("area\n1\ninf\n", "i.csv"), Catch::Contains("non-finite"));
    // A missing value in an identifier or text column is not an error.
    CHECK_NOTHROW(FeatureTable::parse("cell_id,note,area\n,,1\n2,x,2\n", "ok.csv"));
    CHECK_THROWS_WITH(FeatureTable::parse("a,b\n1,2\n3\n", "r.csv"), Catch::Contains("line 3 has 1 fields"));
    CHECK_THROWS_WITH(FeatureTable::parse("", "e.csv"), Catch::Contains("empty table"));
    CHECK_THROWS_WITH(FeatureTable::parse("a,b\n", "h.csv"), Catch::Contains("no data rows"));
    CHECK_THROWS_WITH(FeatureTable::parse("a,a\n1,2\n", "d.csv"), Catch::Contains("duplicate column 'a'"));
    CHECK_THROWS_WITH(FeatureTable::parse("a\n\"open\n", "u.csv"), Catch::Contains("unterminated"));
    CHECK_THROWS_AS(FeatureTable::read("/nonexistent/features.csv"), InputError);
    const FeatureTable one = FeatureTable::parse("a\n1\n", "one.csv");
    CHECK_THROWS_WITH(one.requireRows(2, "embed"), Catch::Contains("one.csv: embed needs at least 2 rows"));
}

TEST_CASE("tables are read from and saved to files", "[features]")
{
    test::TempDir dir;
    const FeatureTable t = FeatureTable::parse("cell_id,x\n1,0.5\n2,\"1.5\"\n", "mem");
    t.save(dir.file("t.csv"));
    const FeatureTable back = FeatureTable::read(dir.file("t.csv"));
    CHECK(back.source() == dir.file("t.csv"));
    CHECK(back.values(1) == std::vector<double>{0.5, 1.5});
}

TEST_CASE("z-scored feature matrix drops constant and non-numeric columns with warnings", "[features]")
{
    const FeatureTable t = FeatureTable::parse("cell_id,a,flat,tag,b\n1,1,7,x,10\n2,2,7,y,10\n3,3,7,z,40\n", "z.csv");
    const FeatureMatrix m = zScoredFeatures(t);
    CHECK(m.names == std::vector<std::string>{"a", "b"});
    REQUIRE(m.warnings.size() == 2);
    CHECK(m.warnings[0].find("'tag'") != std::string::npos);
    CHECK(m.warnings[1].find("'flat'") != std::string::npos);
    // a = 1, 2, 3: mean 2, population sd sqrt(2/3).
    CHECK(m.values(0, 0) == Approx(-1.0 / std::sqrt(2.0 / 3.0)));
    for (Eigen::Index c = 0; c < m.values.cols(); ++c) {
        CHECK(m.values.col(c).mean() == Approx(0.0).margin(1e-12));
        CHECK(m.values.col(c).squaredNorm() / 3.0 == Approx(1.0));
    }
    CHECK_THROWS_AS(zScoredFeatures(FeatureTable::parse("cell_id,flat\n1,2\n2,2\n", "f.csv")), InputError);
}
