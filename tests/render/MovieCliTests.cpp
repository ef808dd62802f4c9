// `refractome-cli movie` end to end: time-lapse and rotation movies with the right number of
// frames and size (checked with ffprobe), as Ogg Theora and, where ffmpeg is installed, MP4; bad
// options and Ctrl-C leave nothing behind. Renders through EGL when there is no X display.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>

#include "tests/support/CliRunner.h"
#include "tests/support/TempDir.h"

using namespace rfx::test;

namespace {

bool haveProgram(const std::string& name) { return runShell("command -v " + name + " >/dev/null 2>&1").exitCode == 0; }

// "frames,width,height" of the first video stream, counted by decoding.
std::string probe(const std::string& path)
{
    auto r = runShell("ffprobe -v error -select_streams v:0 -count_frames -show_entries "
                      "stream=nb_read_frames,width,height -of csv=p=0:nk=1 " +
                      quoted(path));
    std::string s = r.out;
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
        s.pop_back();
    return s;  // ffprobe prints width,height,nb_read_frames
}

bool emptyDir(const std::string& dir) { return std::filesystem::is_empty(dir); }

} // namespace

TEST_CASE("movie writes a time-lapse with one frame per time point", "[render][cli][movie]")
{
    if (!haveProgram("ffprobe")) {
        WARN("ffprobe not installed: cannot count movie frames");
        return;
    }
    TempDir dir;
    const std::string ogv = dir.file("lapse.ogv");
    auto r = runCli("movie " + quoted(REFRACTOME_DEMO_FILE) + " -o " + quoted(ogv) +
                    " --channels ri,nucleus --size 160,120 --frames 1:5 --quiet");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(probe(ogv) == "160,120,4");
    if (haveProgram("ffmpeg")) {
        const std::string mp4 = dir.file("lapse.mp4");
        r = runCli("movie " + quoted(REFRACTOME_DEMO_FILE) + " -o " + quoted(mp4) + " --mode mip --size 160,120 --quiet");
        INFO(r.err);
        REQUIRE(r.exitCode == 0);
        CHECK(probe(mp4) == "160,120,6");  // the demo has 6 time points
    }
    // Nothing else (no temporaries) beside the movies.
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path()))
        ++files;
    CHECK(files == (haveProgram("ffmpeg") ? 2u : 1u));
}

TEST_CASE("movie --rotate writes --steps frames of one time point", "[render][cli][movie]")
{
    if (!haveProgram("ffprobe")) {
        WARN("ffprobe not installed: cannot count movie frames");
        return;
    }
    TempDir dir;
    const std::string ogv = dir.file("turn.ogv");
    auto r = runCli("movie " + quoted(REFRACTOME_DEMO_FILE) + " -o " + quoted(ogv) +
                    " --rotate --degrees 90 --steps 7 --frames 2 --channels ri --size 128,96 --quiet");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(probe(ogv) == "128,96,7");
}

TEST_CASE("movie refuses bad options with exit code 2 and writes nothing", "[render][cli][movie]")
{
    TempDir dir;
    const std::string demo = quoted(REFRACTOME_DEMO_FILE);
    const char* bad[] = {
        " -o {}/m.avi",                              // unknown container
        " -o {}/m.ogv --size 161,120",               // odd width
        " -o {}/m.ogv --mode slice",                 // 3D only
        " -o {}/m.ogv --frames 9:12",                // beyond the 6 time points
        " -o {}/m.ogv --rotate --frames 1:3",        // a rotation shows one time point
        " -o {}/m.ogv --channels nosuch",            // unknown channel
        " -o {}/missing/m.ogv",                      // no such folder
    };
    for (const char* b : bad) {
        std::string args = b;
        args.replace(args.find("{}"), 2, dir.path());
        auto r = runCli("movie " + demo + " --size 64,48 --quiet" + args);  // later options win
        INFO(args << "\n" << r.err);
        CHECK(r.exitCode == 2);
        CHECK(r.err.find("error") != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
    // .mp4 without ffmpeg on PATH: refused, pointing at .ogv.
    auto r = runShell("PATH=/nonexistent " + quoted(REFRACTOME_CLI) + " movie " + demo + " -o " +
                      quoted(dir.file("m.mp4")) + " --quiet");
    INFO(r.err);
    CHECK(r.exitCode == 2);
    CHECK(r.err.find(".ogv") != std::string::npos);
    CHECK(emptyDir(dir.path()));
}

TEST_CASE("movie interrupted by Ctrl-C exits 130 and leaves nothing", "[render][cli][movie]")
{
    TempDir dir;
    auto r = runShell("timeout --preserve-status -s INT 2 " + quoted(REFRACTOME_CLI) + " movie " +
                      quoted(REFRACTOME_DEMO_FILE) + " -o " + quoted(dir.file("long.ogv")) +
                      " --rotate --steps 3600 --size 64,48 --quiet");
    INFO(r.err);
    CHECK(r.exitCode == 130);
    CHECK(emptyDir(dir.path()));
}
