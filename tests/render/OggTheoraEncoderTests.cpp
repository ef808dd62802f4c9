// The Ogg Theora encoder, decoded back by ffmpeg (an independent decoder): several movies of
// different sizes in one process keep their pictures (VTK's writer garbled the second), and a
// movie abandoned before its first frame (a cancel) neither crashes nor leaves a file.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "render/MovieWriter.h"
#include "render/OggTheoraEncoder.h"
#include "tests/support/CliRunner.h"
#include "tests/support/TempDir.h"

using namespace rfx;
using namespace rfx::test;

namespace {

// Frame k: a top half of one colour per frame, a bottom half ramping from black to white in x.
std::vector<unsigned char> pattern(int w, int h, int k)
{
    const unsigned char colours[3][3] = {{220, 40, 40}, {40, 200, 60}, {50, 60, 230}};
    std::vector<unsigned char> rgb(static_cast<std::size_t>(w) * h * 3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < 3; ++c)
                rgb[(static_cast<std::size_t>(y) * w + x) * 3 + c] =
                    y < h / 2 ? colours[k % 3][c] : static_cast<unsigned char>(255.0 * x / (w - 1));
    return rgb;
}

std::vector<unsigned char> readBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Mean absolute difference per byte between what was encoded and what ffmpeg decodes, over all frames.
double roundTripError(const std::string& dir, const std::string& name, int w, int h, int frames)
{
    const std::string ogv = dir + "/" + name + ".ogv", raw = dir + "/" + name + ".rgb";
    {
        render::OggTheoraEncoder enc(ogv, w, h, 10);
        for (int k = 0; k < frames; ++k)
            enc.addFrame(pattern(w, h, k).data());
        enc.finish();
    }
    auto r = runShell("ffmpeg -v error -i " + quoted(ogv) + " -f rawvideo -pix_fmt rgb24 " + quoted(raw));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const auto decoded = readBytes(raw);
    const std::size_t frameBytes = static_cast<std::size_t>(w) * h * 3;
    REQUIRE(decoded.size() == frameBytes * static_cast<std::size_t>(frames));
    double sum = 0;
    for (int k = 0; k < frames; ++k) {
        const auto expected = pattern(w, h, k);
        for (std::size_t i = 0; i < frameBytes; ++i)
            sum += std::abs(int(decoded[k * frameBytes + i]) - int(expected[i]));
    }
    return sum / static_cast<double>(decoded.size());
}

} // namespace

TEST_CASE("Ogg Theora movies of different sizes in one process decode to their frames", "[render][movie]")
{
    if (runShell("command -v ffmpeg >/dev/null 2>&1").exitCode != 0) {
        WARN("ffmpeg not installed: cannot decode the movies");
        return;
    }
    TempDir dir;
    // 100x50 is not a multiple of Theora's 16-pixel macroblocks: the padding must be cropped.
    for (auto [w, h] : {std::pair{160, 120}, std::pair{96, 64}, std::pair{100, 50}}) {
        INFO(w << "x" << h);
        const double err = roundTripError(dir.path(), std::to_string(w), w, h, 4);
        CHECK(err < 6.0);  // lossy 4:2:0 coding: a few grey levels on average, not a shifted picture
    }
}

TEST_CASE("a movie cancelled before its first frame leaves no file and does not crash", "[render][movie]")
{
    TempDir dir;
    const std::string path = dir.file("cancelled.ogv");
    {
        render::MovieWriter writer(path, 96, 64, 10);
        CHECK(writer.framesWritten() == 0);
    }  // destroyed unfinished, as on cancel
    CHECK(std::filesystem::is_empty(dir.path()));
    {
        render::MovieWriter writer(path, 96, 64, 10);
        CHECK_THROWS_WITH(writer.finish(), Catch::Contains("no frames"));
    }
    CHECK(std::filesystem::is_empty(dir.path()));
    CHECK_THROWS_WITH(render::OggTheoraEncoder(dir.file("odd.ogv"), 95, 64, 10), Catch::Contains("even"));
}
