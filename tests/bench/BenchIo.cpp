// I/O benchmark (not a test): writes a 10-frame 64x512x512 TCF (classic uint16, deflate, as
// instruments write them) and the same data as a results HDF5 and a TIFF, then measures
//   - `refractome-cli info` end to end (process start, open, metadata, min/max over frame 0 only
//     via --channel on a one-frame copy) and opening a time-lapse (metadata only),
//   - reading one 512x512x64 frame, cold (first read) and warm (frame cache hit).
// Usage: refractome_bench_io [WORKDIR]   Prints a markdown table; see docs/performance.md.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "core/io/DatasetOpener.h"
#include "core/io/ResultsWriter.h"
#include "core/io/TiffWriter.h"
#include "tests/support/CliRunner.h"
#include "tests/support/TcfTestWriter.h"
#include "tests/support/TempDir.h"

using namespace rfx;
using Clock = std::chrono::steady_clock;

namespace {
double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

template <class F> double best(int repeats, F&& f)
{
    double b = 1e300;
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = Clock::now();
        f();
        b = std::min(b, msSince(t0));
    }
    return b;
}
} // namespace

int main(int argc, char** argv)
{
    test::TempDir tmp;
    const std::string dir = argc > 1 ? argv[1] : tmp.path();
    std::filesystem::create_directories(dir);

    test::TcfSpec spec;
    spec.shape = {64, 512, 512};
    spec.resolution = {0.2, 0.15, 0.15};
    spec.deflate = true;
    spec.times.clear();
    for (int t = 0; t < 10; ++t)
        spec.times.push_back(30.0 * t);
    const std::string lapse = dir + "/bench_lapse.TCF";
    test::writeTcf(lapse, spec);
    spec.times = {0.0};
    const std::string single = dir + "/bench_single.TCF";
    test::writeTcf(single, spec);

    DatasetPtr src = openDataset(single);
    VolumePtr frame = src->frame(0, 0);
    const std::string h5 = dir + "/bench_single.h5";
    writeResults(h5, *src);
    const std::string tif = dir + "/bench_single.tif";
    writeImageJTiff(tif, *frame, "RI");

    std::printf("| measurement (64x512x512 float32 frame, %s) | ms |\n|---|---|\n", "best of 3");
    const std::string cli = REFRACTOME_CLI;
    for (const auto& [label, path] : {std::pair<std::string, std::string>{"TCF (uint16, deflate)", single},
                                      {"results HDF5 (float32, shuffle+deflate)", h5},
                                      {"ImageJ TIFF (float32, uncompressed)", tif}}) {
        const double info = best(3, [&] { test::runShell(test::quoted(cli) + " info " + test::quoted(path)); });
        std::printf("| `refractome-cli info` on one-frame %s (includes min/max over the frame) | %.0f |\n", label.c_str(), info);
        const double cold = best(3, [&] {
            DatasetPtr ds = openDataset(path);
            ds->frame(0, 0);
        });
        std::printf("| open + read one frame, cold: %s | %.0f |\n", label.c_str(), cold);
    }
    const double openLapse = best(3, [&] { openDataset(lapse); });
    std::printf("| open a 10-frame TCF time-lapse (metadata only) | %.1f |\n", openLapse);
    DatasetPtr ds = openDataset(lapse);
    ds->frame(0, 4);
    const double warm = best(3, [&] { ds->frame(0, 4); });
    std::printf("| read a cached frame again (frame cache hit) | %.3f |\n", warm);
    return 0;
}
