// GUI speed on this machine's OpenGL (llvmpipe under Xvfb), issue #5 item 12, measured in one run:
// rotating a 64 x 512 x 512 field with RI and six fluorescence channels at 800 x 600 (interactive
// level of detail), a full-quality still frame, switching to a cached time frame, and the GUI
// thread's responsiveness (largest gap between 10 ms timer ticks) while a prediction job runs.
// Run by hand: xvfb-run -a -s "-screen 0 1600x1200x24" build/tests/bench/refractome_bench_gui
// (docs/performance.md). Not a test: nothing is asserted.
#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <vtkCamera.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkRendererCollection.h>

#include "core/torch/TorchBackend.h"
#include "tests/support/TempDir.h"
#include "ui/BackgroundJob.h"
#include "ui/FramePrefetcher.h"
#include "ui/MainWindow.h"
#include "render/BlendCache.h"
#include "ui/ViewerWidget.h"
#include "ui/VtkViewWidget.h"

using namespace rfx;

namespace {

void run(const std::string& command)
{
    if (std::system(command.c_str()) != 0) {
        std::fprintf(stderr, "failed: %s\n", command.c_str());
        std::exit(1);
    }
}

void settle(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms)
        QApplication::processEvents(QEventLoop::AllEvents, 10);
}

double renderMs(vtkRenderWindow* w)
{
    QElapsedTimer t;
    t.start();
    w->Render();
    return static_cast<double>(t.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    torchbackend::install();
    test::TempDir dir;
    const std::string big = dir.file("field.h5"), small = dir.file("small.h5");
    std::printf("generating a 3-frame 64 x 512 x 512 field (RI + 6 fluorescence channels) ...\n");
    run(std::string(REFRACTOME_CLI) + " synth cells --size 64,512,512 --cells 10 --frames 3 --quiet -o " + big);
    run(std::string(REFRACTOME_CLI) + " synth cells --size 32,256,256 --cells 5 --quiet -o " + small);

    ui::MainWindow w;
    w.show();
    QApplication::processEvents();
    if (!w.openFile(QString::fromStdString(big), true))
        return 1;
    ui::VtkViewWidget* view = w.view();
    // 800 x 600 device pixels for the 3D view: grow the window until the view has that size.
    for (int i = 0; i < 5 && (view->width() != 800 || view->height() != 600); ++i) {
        w.resize(w.width() + 800 - view->width(), w.height() + 600 - view->height());
        settle(200);
    }
    w.refreshNow();
    settle(500);
    vtkGenericOpenGLRenderWindow* win = view->renderWindow();
    vtkRenderer* ren = win->GetRenderers()->GetFirstRenderer();
    std::printf("3D view %d x %d, %zu layers shown\n", view->width(), view->height(), w.viewer()->layers().size());

    // Rotation at the interactor's interactive rate (15 frames/s requested: the scene switches to
    // its interactive level of detail), as while dragging with the mouse.
    win->SetDesiredUpdateRate(15.0);
    renderMs(win);
    double total = 0, worst = 0;
    const int steps = 24;
    for (int i = 0; i < steps; ++i) {
        ren->GetActiveCamera()->Azimuth(360.0 / steps);
        const double ms = renderMs(win);
        total += ms;
        worst = std::max(worst, ms);
    }
    std::printf("| rotate (interactive LOD), mean frame | %.0f ms = %.1f frames/s (worst %.0f ms) |\n", total / steps,
                1000.0 * steps / total, worst);

    // Full-quality still frame, as after the mouse is released.
    win->SetDesiredUpdateRate(0.0001);
    const double still = renderMs(win);
    std::printf("| full-quality still frame | %.0f ms |\n", still);
    // The first still frame after interaction uploads the full-resolution texture (interaction
    // drew the coarser one); the next ones only ray-cast.
    ren->GetActiveCamera()->Azimuth(5.0);
    std::printf("| ... the next still frame (texture already uploaded) | %.0f ms |\n", renderMs(win));

    // Switching to a cached time frame: frame 1 read and blended ahead on the prefetcher's thread
    // while frame 0 is shown, then shown.
    w.prefetcher()->wait();
    settle(300);
    render::VolumeScene* scene = w.viewer()->scene();
    QElapsedTimer t;
    t.start();
    w.setFrame(1);  // what the time slider does: the scene is rebuilt at once (no debounce)
    const qint64 setFrameMs = t.elapsed();
    win->Render();  // the paint it asked for: the interactive level of detail (full quality 400 ms later)
    std::printf("| switch to a cached time frame (blended ahead) | %lld ms (scene update %lld, render %lld; shown at stride %d) |\n",
                static_cast<long long>(t.elapsed()), static_cast<long long>(setFrameMs),
                static_cast<long long>(t.elapsed() - setFrameMs), scene->shownStride());

    // A frame read but not blended ahead: half-resolution preview at once, the full blend from the
    // prefetcher's thread when ready, the GUI thread free meanwhile.
    w.prefetcher()->wait();
    scene->blendCache()->clear();
    t.restart();
    w.setFrame(0);
    const qint64 previewMs = t.elapsed();
    win->Render();
    const qint64 previewShownMs = t.elapsed();
    while (scene->shownStride() != 1 && t.elapsed() < 60000)
        QApplication::processEvents(QEventLoop::AllEvents, 10);
    win->Render();
    std::printf("| switch to a frame not blended ahead: preview shown | %lld ms (scene update %lld) |\n",
                static_cast<long long>(previewShownMs), static_cast<long long>(previewMs));
    std::printf("| ... full resolution from the prefetcher's thread shown after | %lld ms |\n",
                static_cast<long long>(t.elapsed()));

    // Responsiveness during a job: prediction of a smaller field (tta 2) on the worker thread.
    if (!w.openFile(QString::fromStdString(small), true))
        return 1;
    settle(300);
    QElapsedTimer tick;
    qint64 worstGap = 0, worstAfter = 0;  // while the job runs; from its end through the commit
    bool jobDone = false;
    int ticks = 0;
    QTimer ticker;
    ticker.setInterval(10);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        ++ticks;
        if (tick.isValid()) {
            const qint64 gap = tick.restart();
            (jobDone ? worstAfter : worstGap) = std::max(jobDone ? worstAfter : worstGap, gap);
        } else
            tick.start();
    });
    ticker.start();
    PredictionOptions o;
    o.tta = 2;
    QElapsedTimer jobTime;
    jobTime.start();
    if (!w.startPrediction(o))
        return 1;
    while (w.job()->running())
        QApplication::processEvents(QEventLoop::AllEvents, 5);
    const double jobSeconds = jobTime.elapsed() / 1000.0;
    jobDone = true;
    settle(1000);  // the commit, the scene rebuild and the renders after it
    ticker.stop();
    std::printf("| GUI thread during a prediction job (%.1f s): largest gap between 10 ms ticks | %lld ms (%d ticks) |\n",
                jobSeconds, static_cast<long long>(worstGap), ticks);
    std::printf("| ... from the job's end through the commit and its renders (1 s) | %lld ms |\n",
                static_cast<long long>(worstAfter));
    return 0;
}
