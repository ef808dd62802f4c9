// `refractome-cli render` end to end: PNG of the requested size, not blank, the visible channels'
// colours present; bad options refused with exit code 2 and nothing written.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGReader.h>
#include <vtkPointData.h>
#include <vtkUnsignedCharArray.h>

#include "tests/support/CliRunner.h"
#include "tests/support/TempDir.h"

using namespace rfx::test;

namespace {

struct PngStats {
    int width = 0, height = 0;
    double foreground = 0;  // fraction of pixels clearly different from the corner colour
    int blueish = 0, reddish = 0, greenish = 0;
};

PngStats readPng(const std::string& path)
{
    vtkNew<vtkPNGReader> reader;
    reader->SetFileName(path.c_str());
    reader->Update();
    vtkImageData* img = reader->GetOutput();
    int d[3];
    img->GetDimensions(d);
    PngStats s;
    s.width = d[0];
    s.height = d[1];
    auto* a = vtkUnsignedCharArray::SafeDownCast(img->GetPointData()->GetScalars());
    if (!a)
        return s;
    const int nc = a->GetNumberOfComponents();
    int bg[3];
    for (int c = 0; c < 3; ++c)
        bg[c] = a->GetTypedComponent(0, std::min(c, nc - 1));
    std::size_t fg = 0;
    for (vtkIdType i = 0; i < a->GetNumberOfTuples(); ++i) {
        int p[3];
        for (int c = 0; c < 3; ++c)
            p[c] = a->GetTypedComponent(i, std::min(c, nc - 1));
        if (std::abs(p[0] - bg[0]) + std::abs(p[1] - bg[1]) + std::abs(p[2] - bg[2]) > 30)
            ++fg;
        s.blueish += p[2] > 80 && p[2] > p[0] + 30 && p[2] > p[1];
        s.reddish += p[0] > 80 && p[0] > p[1] + 30 && p[0] > p[2] + 30;
        s.greenish += p[1] > 80 && p[1] > p[0] + 30 && p[1] > p[2] + 30;
    }
    s.foreground = double(fg) / double(a->GetNumberOfTuples());
    return s;
}

bool haveDisplay()
{
    const char* d = std::getenv("DISPLAY");
    return d && *d;
}

} // namespace

TEST_CASE("render writes a 3D figure of the requested size with the channel colours", "[render][cli]")
{
    if (!haveDisplay()) {
        WARN("no X display: run under xvfb-run to test rendering");
        return;
    }
    TempDir dir;
    const std::string out = dir.file("fig.png");
    auto r = runCli("render " + quoted(REFRACTOME_DEMO_FILE) + " -o " + quoted(out) +
                    " --channels ri,nucleus,actin --size 320,240 --frame 1");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const PngStats s = readPng(out);
    CHECK(s.width == 320);
    CHECK(s.height == 240);
    CHECK(s.foreground > 0.03);
    CHECK(s.blueish > 30);  // nucleus
    CHECK(s.reddish > 30);  // actin
}

TEST_CASE("render mip, iso and slice modes draw something", "[render][cli]")
{
    if (!haveDisplay())
        return;
    TempDir dir;
    for (const std::string mode : {"mip", "iso", "slice"}) {
        const std::string out = dir.file(mode + ".png");
        auto r = runCli("render " + quoted(REFRACTOME_DEMO_FILE) + " -o " + quoted(out) + " --mode " + mode +
                        " --size 200,160 --axis xz");
        INFO(mode << ": " << r.err);
        REQUIRE(r.exitCode == 0);
        const PngStats s = readPng(out);
        CHECK(s.width == 200);
        CHECK(s.height == 160);
        CHECK(s.foreground > 0.02);
    }
}

TEST_CASE("render refuses bad options with exit code 2 and writes nothing", "[render][cli]")
{
    TempDir dir;
    const std::string demo = quoted(REFRACTOME_DEMO_FILE);
    const std::string out = dir.file("x.png");
    CHECK(runCli("render " + demo + " -o " + quoted(out) + " --mode hologram").exitCode == 2);
    CHECK(runCli("render " + demo + " -o " + quoted(out) + " --size 12").exitCode == 2);
    CHECK(runCli("render " + demo + " -o " + quoted(dir.file("x.jpg"))).exitCode == 2);
    auto r = runCli("render " + demo + " -o " + quoted(out) + " --channels nosuch");
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("nosuch") != std::string::npos);
    CHECK(runCli("render " + demo + " -o " + quoted(out) + " --frame 99").exitCode == 2);
    CHECK(entryCount(dir.path()) == 0);
}

TEST_CASE("render works without any X display through Mesa's EGL, with the same pixels as under X", "[render][cli]")
{
    TempDir dir;
    const std::string egl = dir.file("egl.png"), x11 = dir.file("x11.png");
    const std::string args = " render " + quoted(REFRACTOME_DEMO_FILE) + " --channels ri,nucleus,actin --size 320,240 --frame 1 -o ";
    const auto r = runShell("env -u DISPLAY -u WAYLAND_DISPLAY " + quoted(REFRACTOME_CLI) + args + quoted(egl));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const PngStats e = readPng(egl);
    CHECK(e.width == 320);
    CHECK(e.height == 240);
    CHECK(e.foreground > 0.03);
    CHECK(e.blueish > 30);
    CHECK(e.reddish > 30);
    if (!haveDisplay()) {
        WARN("no X display: the EGL figure was not compared with the X one");
        return;
    }
    REQUIRE(runCli(args.substr(1) + quoted(x11)).exitCode == 0);
    vtkNew<vtkPNGReader> a, b;
    a->SetFileName(egl.c_str());
    b->SetFileName(x11.c_str());
    a->Update();
    b->Update();
    auto* pa = vtkUnsignedCharArray::SafeDownCast(a->GetOutput()->GetPointData()->GetScalars());
    auto* pb = vtkUnsignedCharArray::SafeDownCast(b->GetOutput()->GetPointData()->GetScalars());
    REQUIRE(pa);
    REQUIRE(pb);
    REQUIRE(pa->GetNumberOfValues() == pb->GetNumberOfValues());
    double diff = 0;
    for (vtkIdType i = 0; i < pa->GetNumberOfValues(); ++i)
        diff += std::abs(int(pa->GetValue(i)) - int(pb->GetValue(i)));
    // Both are Mesa's llvmpipe; measured identical. Allow rounding differences of other drivers.
    CHECK(diff / double(pa->GetNumberOfValues()) < 1.0);
}

TEST_CASE("render draws a force field as arrows coloured by magnitude, with a colour bar", "[render][cli]")
{
    TempDir dir;
    const std::string beads = dir.file("b.h5"), forces = dir.file("t.h5"), fig = dir.file("forces.png"),
                      bare = dir.file("scalar.png");
    REQUIRE(runCli("synth beads --size 64,128,128 --quiet -o " + quoted(beads)).exitCode == 0);
    REQUIRE(runCli("tfm " + quoted(dir.file("b_relaxed.tif")) + " " + quoted(dir.file("b_stressed.tif")) + " -o " +
                   quoted(forces) + " --young 1000 --poisson 0.45 --quiet")
                .exitCode == 0);
    const std::string env = haveDisplay() ? "" : "env REFRACTOME_RENDER_BACKEND=egl ";
    const std::string cli = env + quoted(REFRACTOME_CLI) + " render " + quoted(forces) + " --size 320,240 -o ";
    auto r = runShell(cli + quoted(fig) + " --channels strain_energy_density,nodal_force");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    REQUIRE(runShell(cli + quoted(bare) + " --channels strain_energy_density").exitCode == 0);
    const PngStats withArrows = readPng(fig), without = readPng(bare);
    CHECK(withArrows.width == 320);
    // The turbo-coloured arrows and colour bar add saturated colours; the grey scalar layer has only
    // the small axes glyph's.
    INFO("red+green pixels: " << withArrows.reddish + withArrows.greenish << " with arrows, "
                              << without.reddish + without.greenish << " without");
    CHECK(withArrows.reddish + withArrows.greenish > without.reddish + without.greenish + 200);
    CHECK(withArrows.foreground > without.foreground);
    // A vector field cannot be cut as a slice.
    const auto s = runShell(cli + quoted(dir.file("s.png")) + " --channels nodal_force --mode slice");
    CHECK(s.exitCode == 2);
    CHECK(s.err.find("vector field") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.file("s.png")));
}
