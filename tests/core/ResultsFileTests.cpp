#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/io/CsvWriter.h"

#include "core/io/ResultsReader.h"
#include "core/io/ResultsWriter.h"
#include "core/util/Errors.h"
#include "tests/support/TempDir.h"

using namespace rfx;

namespace {
Grid grid()
{
    Grid g;
    g.shape = {5, 7, 9};
    g.spacing_um = {0.2, 0.15, 0.15};
    g.origin_um = {1.0, 2.0, 3.0};
    return g;
}

Volume ramp(const Grid& g, float scale)
{
    Volume v = Volume::zeros<float>(g);
    float* p = v.data<float>();
    for (std::size_t i = 0; i < v.voxels(); ++i)
        p[i] = 1.337f + scale * static_cast<float>(i % 97) / 1000.0f;
    return v;
}

ChannelInfo channel(const std::string& name, ChannelRole role, std::size_t frames, int components = 1)
{
    ChannelInfo c;
    c.name = name;
    c.role = role;
    c.unit = role == ChannelRole::RefractiveIndex ? "RI" : "a.u.";
    c.grid = grid();
    c.components = components;
    for (std::size_t t = 0; t < frames; ++t)
        c.times_s.push_back(10.0 * t);
    c.display = defaultDisplayFor(name, role);
    return c;
}
} // namespace

TEST_CASE("Results HDF5 round-trips channels, frames, vector fields, tables and documents", "[results]")
{
    test::TempDir dir;
    const std::string path = dir.file("out.h5");
    {
        ResultsWriter w(path);
        w.setSource("cells.TCF");
        w.setMediumRI(1.336);
        w.addChannel(channel("ri", ChannelRole::RefractiveIndex, 2), VoxelType::Float32);
        w.addChannel(channel("nucleus_labels", ChannelRole::Labels, 1), VoxelType::Int32);
        w.addChannel(channel("displacement", ChannelRole::VectorField, 1, 3), VoxelType::Float32);
        w.writeFrame("ri", 0, ramp(grid(), 1));
        w.writeFrame("ri", 1, ramp(grid(), 2));
        Volume labels = Volume::zeros<std::int32_t>(grid());
        labels.at<std::int32_t>(2, 3, 4) = 17;
        w.writeFrame("nucleus_labels", 0, labels);
        Volume vec = Volume::zeros<float>(grid(), 3);
        vec.data<float>()[3 * grid().index(1, 1, 1) + 2] = -0.5f;
        w.writeFrame("displacement", 0, vec);
        ResultsTable t;
        t.columns = {"cell_id", "volume_um3"};
        t.units = {"", "µm³"};
        t.values = {{1, 2, 3}, {100.5, 200.25, 50}};
        t.rowLabels = {"a", "b", "c"};
        w.writeTable("features", t);
        w.writeText("parameters", "{\"seed\": 1}");
        REQUIRE_FALSE(std::filesystem::exists(path));  // nothing visible before commit
        w.commit();
    }
    REQUIRE(isResultsFile(path));
    CHECK(test::entryCount(dir.path()) == 1);  // no temporary left behind

    DatasetPtr ds = openResults(path);
    CHECK(ds->info().format == "results-h5");
    CHECK(ds->info().mediumRI == Approx(1.336));
    REQUIRE(ds->channelCount() == 3);
    CHECK(ds->channel(0).name == "ri");  // declaration order survives
    CHECK(ds->channel(0).role == ChannelRole::RefractiveIndex);
    CHECK(ds->channel(0).grid == grid());
    CHECK(ds->channel(0).times_s == std::vector<double>{0.0, 10.0});
    const Volume expected = ramp(grid(), 2);
    VolumePtr f1 = ds->frame(0, 1);
    for (std::size_t i = 0; i < expected.voxels(); ++i)
        REQUIRE(f1->data<float>()[i] == expected.data<float>()[i]);
    CHECK(ds->frame(1, 0)->type() == VoxelType::Int32);
    CHECK(ds->frame(1, 0)->at<std::int32_t>(2, 3, 4) == 17);
    CHECK(ds->channel(2).components == 3);
    CHECK(ds->frame(2, 0)->data<float>()[3 * grid().index(1, 1, 1) + 2] == -0.5f);

    ResultsTable t = readResultsTable(path, "features");
    CHECK(t.columns == std::vector<std::string>{"cell_id", "volume_um3"});
    CHECK(t.units[1] == "µm³");
    CHECK(t.values[1][1] == 200.25);
    CHECK(t.rowLabels == std::vector<std::string>{"a", "b", "c"});
    CHECK(readResultsText(path, "parameters") == "{\"seed\": 1}");
    CHECK(resultsTableNames(path) == std::vector<std::string>{"features"});
}

TEST_CASE("Results slabs written in pieces equal the whole frame", "[results]")
{
    test::TempDir dir;
    const std::string path = dir.file("slabs.h5");
    const Volume whole = ramp(grid(), 3);
    {
        ResultsWriter w(path);
        w.addChannel(channel("nucleus", ChannelRole::PredictedFluorescence, 1), VoxelType::Float32);
        for (std::size_t z0 = 0; z0 < 5; z0 += 2) {
            Grid sg = grid();
            sg.shape[0] = std::min<std::size_t>(2, 5 - z0);
            Volume slab = Volume::zeros<float>(sg);
            std::copy(whole.data<float>() + z0 * 63, whole.data<float>() + (z0 + sg.shape[0]) * 63, slab.data<float>());
            w.writeSlab("nucleus", 0, z0, slab);
        }
        w.commit();
    }
    VolumePtr back = openResults(path)->frame(0, 0);
    for (std::size_t i = 0; i < whole.voxels(); ++i)
        REQUIRE(back->data<float>()[i] == whole.data<float>()[i]);
}

TEST_CASE("An uncommitted results writer leaves no file behind", "[results]")
{
    test::TempDir dir;
    {
        ResultsWriter w(dir.file("cancelled.h5"));
        w.addChannel(channel("ri", ChannelRole::RefractiveIndex, 1), VoxelType::Float32);
        w.writeFrame("ri", 0, ramp(grid(), 1));
        // destroyed without commit(), as on cancel or exception
    }
    CHECK(test::entryCount(dir.path()) == 0);
}

TEST_CASE("writeResults converts any dataset and keeps an existing file on failure", "[results]")
{
    test::TempDir dir;
    DatasetInfo info;
    info.path = "memory";
    info.channels.push_back(channel("ri", ChannelRole::RefractiveIndex, 3));
    std::vector<VolumePtr> frames;
    for (int t = 0; t < 3; ++t)
        frames.push_back(std::make_shared<const Volume>(ramp(grid(), float(t))));
    DatasetPtr ds = makeMemoryDataset(info, {frames});
    const std::string path = dir.file("conv.h5");
    writeResults(path, *ds, {}, {2});
    DatasetPtr back = openResults(path);
    CHECK(back->frameCount() == 1);
    CHECK(back->channel(0).times_s == std::vector<double>{20.0});
    CHECK(back->frame(0, 0)->data<float>()[5] == ramp(grid(), 2).data<float>()[5]);

    // A cancelled conversion leaves the earlier result untouched.
    CancelToken cancel;
    cancel.cancel();
    CHECK_THROWS_AS(writeResults(path, *ds, {}, {}, {}, cancel), CancelledError);
    CHECK(openResults(path)->frameCount() == 1);
    CHECK(test::entryCount(dir.path()) == 1);
}

TEST_CASE("Results reader rejects foreign, truncated and inconsistent files with input errors", "[results]")
{
    test::TempDir dir;
    const std::string good = dir.file("good.h5");
    {
        ResultsWriter w(good);
        w.addChannel(channel("ri", ChannelRole::RefractiveIndex, 2), VoxelType::Float32);
        w.writeFrame("ri", 0, ramp(grid(), 1));  // frame 1 never written: incomplete
        w.commit();
    }
    CHECK_THROWS_WITH(openResults(good), Catch::Contains("good.h5") && Catch::Contains("frames"));

    const std::string text = dir.file("notes.h5");
    std::ofstream(text) << "hello";
    CHECK_THROWS_WITH(openResults(text), Catch::Contains("notes.h5") && Catch::Contains("not an HDF5"));

    // Truncate a valid file to half its size.
    const std::string full = dir.file("full.h5");
    {
        ResultsWriter w(full);
        w.addChannel(channel("ri", ChannelRole::RefractiveIndex, 1), VoxelType::Float32);
        w.writeFrame("ri", 0, ramp(grid(), 1));
        w.commit();
    }
    const auto size = std::filesystem::file_size(full);
    std::filesystem::resize_file(full, size / 2);
    CHECK_THROWS_AS(
        [&] {
            auto ds = openResults(full);
            ds->frame(0, 0);
        }(),
        InputError);
    CHECK_THROWS_WITH(openResults(dir.file("missing.h5")), Catch::Contains("no such file"));
}

TEST_CASE("Results files are readable by h5py with the documented layout", "[results][independent]")
{
    if (std::system("/usr/bin/python3 -c 'import h5py, numpy' 2>/dev/null") != 0) {
        WARN("h5py not available; skipping independent check");
        return;
    }
    test::TempDir dir;
    const std::string path = dir.file("py.h5");
    {
        ResultsWriter w(path);
        w.addChannel(channel("ri", ChannelRole::RefractiveIndex, 1), VoxelType::Float32);
        w.writeFrame("ri", 0, ramp(grid(), 1));
        w.commit();
    }
    const std::string script = dir.file("check.py");
    std::ofstream(script) << "import h5py, numpy as np, sys\n"
                             "f = h5py.File(sys.argv[1], 'r')\n"
                             "assert f.attrs['format'] == b'refractome-results' or f.attrs['format'] == 'refractome-results'\n"
                             "d = f['channels/ri/000000']\n"
                             "assert d.shape == (5, 7, 9), d.shape\n"
                             "i = np.arange(5*7*9) % 97\n"
                             "exp = (np.float32(1.337) + np.float32(1) * i.astype(np.float32) / np.float32(1000)).reshape(5,7,9)\n"
                             "assert np.array_equal(d[...], exp.astype(np.float32))\n"
                             "assert np.allclose(d.attrs['element_size_um'], [0.2, 0.15, 0.15])\n"
                             "assert d.compression == 'gzip'\n";
    CHECK(std::system(("/usr/bin/python3 " + script + " " + path).c_str()) == 0);
}

TEST_CASE("CSV writer quotes cells and writes atomically", "[csv]")
{
    test::TempDir dir;
    CsvWriter csv({"name", "value"});
    csv.addRow({"a,b", CsvWriter::number(1.5)});
    csv.addRow({"say \"hi\"", CsvWriter::number(std::nan(""))});
    CHECK(csv.text() == "name,value\n\"a,b\",1.5\n\"say \"\"hi\"\"\",\n");
    CHECK_THROWS_AS(csv.addRow({"only one"}), std::logic_error);
    csv.save(dir.file("t.csv"));
    CHECK(test::entryCount(dir.path()) == 1);
    CHECK_THROWS_AS(csv.save(dir.file("no/such/dir/t.csv")), InputError);
}
