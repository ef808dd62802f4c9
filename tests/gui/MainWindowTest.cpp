// The desktop application in a real window: open the demo, layers (toggle, recolour, contrast,
// transfer function, uncertainty fading), render modes, linked slice views, time-lapse playback
// with prefetch, figure export and sessions. Screenshots are saved beside the test binary and
// checked: not blank, and the visible channels' colours present.
#include <QApplication>
#include <QElapsedTimer>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QListWidget>
#include <QSlider>
#include <QSpinBox>
#include <QComboBox>
#include <QFileInfo>
#include <QDragEnterEvent>
#include <QMimeData>
#include <QUrl>
#include <QDialogButtonBox>
#include <QToolTip>
#include <QtTest>

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>

#include <cstring>
#include <fstream>

#include "GuiTestSupport.h"
#include "core/io/DatasetOpener.h"
#include "core/io/ResultsWriter.h"
#include "core/segmentation/DatasetSegmentation.h"
#include "core/forces/TfmOutput.h"
#include "core/forces/TfmPipeline.h"
#include "core/synth/BeadPairGenerator.h"
#include "render/ChannelCompositor.h"
#include "render/SliceScene.h"
#include "tests/support/TempDir.h"
#include "ui/BackgroundJob.h"
#include "ui/ForceDialog.h"
#include "ui/FramePrefetcher.h"
#include "ui/LayerModel.h"
#include "ui/LayersPanel.h"
#include "ui/MainWindow.h"
#include "render/BlendCache.h"
#include "ui/TimeControls.h"
#include "ui/TransferFunctionEditor.h"
#include "ui/ViewerWidget.h"
#include "ui/VtkViewWidget.h"

using namespace rfx;
using rfx::test::countColours;
using rfx::test::screenshotPath;

namespace {

// A synthetic bead pair as the force tests reconstruct it: window 16, the generator's material.
TfmInputs tfmInputs(const BeadPair& bp, const BeadPairParams& p)
{
    TfmInputs in;
    in.relaxed = std::make_shared<const Volume>(bp.relaxed);
    in.stressed = std::make_shared<const Volume>(bp.stressed);
    in.cellMask = std::make_shared<const Volume>(bp.cellMask);
    in.params.dvc.window = 16;
    in.params.elasticity.material = p.material;
    return in;
}

QImage shot3D(ui::MainWindow& w, const QString& name)
{
    w.refreshNow();
    QTest::qWait(150);
    QImage img = w.view()->grabFramebuffer();
    img.save(screenshotPath(name));
    return img;
}

// Shows only the named layers.
void showOnly(ui::LayerModel* m, const QStringList& names)
{
    for (int i = 0; i < m->count(); ++i)
        m->setVisible(i, names.contains(m->layer(i).name));
}

} // namespace

class MainWindowTest : public QObject {
    Q_OBJECT
    render::CameraState savedCamera_;  // exportsFigureAndRestoresSession: what the session holds
    QSize savedSize_;
private Q_SLOTS:
    void opensDemoWithOneLayerPerChannel()
    {
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, REFRACTOME_DEMO_FILE, {1300, 850}));
        auto* list = w.findChild<QListWidget*>("layerList");
        QVERIFY(list);
        QCOMPARE(list->count(), static_cast<int>(w.dataset()->channelCount()));
        QVERIFY(list->count() >= 9);  // ri, six targets, two label channels
        QCOMPARE(list->item(0)->text(), QString("ri"));
        QCOMPARE(list->item(0)->checkState(), Qt::Checked);
        // Labels start hidden, fluorescence visible, each with its paper colour.
        ui::LayerModel* m = w.layers();
        for (int i = 0; i < m->count(); ++i) {
            if (m->layer(i).role == ChannelRole::Labels)
                QVERIFY(!m->layer(i).style.visible);
            if (m->layer(i).name == "nucleus")
                QVERIFY(m->layer(i).style.color[2] > 0.9f);
        }
        auto* slider = w.findChild<QSlider*>("timeSlider");
        QVERIFY(slider && slider->isEnabled());
        QCOMPARE(slider->maximum(), 5);

        const QImage img = shot3D(w, "gui_composite.png");
        // The views are native windows: the screen itself must show the blend inside the main window.
        const QImage screen = rfx::test::screenImage(w);
        screen.save(screenshotPath("gui_window.png"));
        const QRect viewRect(w.view()->mapTo(&w, QPoint(0, 0)), w.view()->size());
        QVERIFY2(countColours(screen.copy(viewRect)).magenta > 50, "the window on screen does not show the 3D view");
        const auto c = countColours(img);
        QVERIFY2(c.foreground > 0.05, qPrintable(QString("3D view looks empty: %1").arg(c.foreground)));
        QVERIFY2(c.magenta > 50, "membrane (magenta) missing");
        // Each slice view shows the blend too.
        for (const char* name : {"sliceXY", "sliceXZ", "sliceYZ"}) {
            auto* v = w.findChild<ui::VtkViewWidget*>(name);
            QVERIFY(v);
            const QImage s = v->grabFramebuffer();
            s.save(screenshotPath(QString("gui_%1.png").arg(name)));
            QVERIFY2(countColours(s).foreground > 0.02, name);
        }
    }

    void togglingAndRecolouringLayersChangesThePicture()
    {
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, REFRACTOME_DEMO_FILE, {1200, 800}));
        ui::LayerModel* m = w.layers();
        showOnly(m, {"nucleus"});
        w.setRenderMode(render::RenderMode::MaximumIntensity);
        auto c = countColours(shot3D(w, "gui_nucleus_only.png"));
        QVERIFY2(c.blue > 100, qPrintable(QString("blue %1").arg(c.blue)));
        QCOMPARE(c.magenta, 0);

        // Recolour nucleus to red (the colour button's effect) and tick actin off/on in the list.
        const int n = m->indexOf("nucleus");
        auto s = m->layer(n).style;
        s.color = {1.f, 0.f, 0.f};
        m->setStyle(n, s);
        c = countColours(shot3D(w, "gui_nucleus_red.png"));
        const int redShown = c.red;
        QVERIFY2(c.red > 100, "recoloured nucleus not red");
        QVERIFY(c.blue < 20);

        auto* list = w.findChild<QListWidget*>("layerList");
        const int mito = m->indexOf("mitochondria");
        list->item(mito)->setCheckState(Qt::Checked);  // the user's tick
        QVERIFY(m->layer(mito).style.visible);
        c = countColours(shot3D(w, "gui_nucleus_red_mito.png"));
        QVERIFY2(c.green > 20, "ticked mitochondria not visible");
        list->item(mito)->setCheckState(Qt::Unchecked);
        QVERIFY(!m->layer(mito).style.visible);

        // Contrast and opacity through the editor widgets.
        w.layersPanel()->setCurrentLayer(n);
        auto* opacity = w.findChild<QSlider*>("opacitySlider");
        QVERIFY(opacity);
        opacity->setValue(0);
        QCOMPARE(m->layer(n).style.opacity, 0.0);
        c = countColours(shot3D(w, "gui_nucleus_transparent.png"));
        QVERIFY(c.red < redShown / 5);  // only the legend's red text remains
        opacity->setValue(100);
        auto* high = w.findChild<QDoubleSpinBox*>("windowHigh");
        QVERIFY(high);
        high->setValue(m->layer(n).style.windowLow + 1e-3);  // saturates everything above the floor
        QCOMPARE(m->layer(n).style.windowHigh, m->layer(n).style.windowLow + 1e-3);
        w.findChild<QPushButton*>("autoContrast")->click();
        QVERIFY(m->layer(n).style.windowHigh > m->layer(n).style.windowLow + 1e-2);
    }

    void renderModesAndAnnotations()
    {
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, REFRACTOME_DEMO_FILE, {1100, 750}));
        w.setRenderMode(render::RenderMode::MaximumIntensity);
        auto mip = countColours(shot3D(w, "gui_mip.png"));
        QVERIFY(mip.blue > 50 && mip.yellow > 5 && mip.magenta > 50);
        w.setRenderMode(render::RenderMode::IsoSurface);
        auto iso = countColours(shot3D(w, "gui_iso.png"));
        QVERIFY(iso.foreground > 0.05);
        QVERIFY(w.viewer()->scene()->scaleBarLength() > 0);
        // Anisotropic voxels: the 3D bounds are in µm, z spacing 0.2 vs 0.15 in x and y.
        const auto b = w.viewer()->scene()->bounds();
        const Grid& g = w.dataset()->channel(0).grid;
        QCOMPARE(b[5] - b[4], double(g.shape[0] - 1) * g.spacing_um[0]);
        QCOMPARE(b[1] - b[0], double(g.shape[2] - 1) * g.spacing_um[2]);
    }

    void slicesAreLinkedByTheCrosshair()
    {
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, REFRACTOME_DEMO_FILE, {1200, 800}));
        QTest::qWait(100);
        ui::ViewerWidget* viewer = w.viewer();
        const auto before = viewer->crosshair();
        QSignalSpy moved(viewer, &ui::ViewerWidget::crosshairChanged);
        auto* xy = w.findChild<ui::VtkViewWidget*>("sliceXY");
        // Click a quarter into the XY view: x and y move, z (across the plane) stays.
        QTest::mouseClick(xy, Qt::LeftButton, {}, QPoint(xy->width() / 4, xy->height() / 4));
        QTRY_COMPARE(moved.count(), 1);
        const auto after = viewer->crosshair();
        QVERIFY(after[0] < before[0]);
        QVERIFY(after[1] < before[1]);  // y grows down the screen in XY, as in Fiji
        QCOMPARE(after[2], before[2]);
        // The XZ view now cuts at the new y.
        auto* xz = w.findChild<ui::VtkViewWidget*>("sliceXZ");
        QTest::mouseClick(xz, Qt::LeftButton, {}, QPoint(xz->width() / 2, xz->height() / 2 - 6));
        QTRY_COMPARE(moved.count(), 2);
        QCOMPARE(viewer->crosshair()[1], after[1]);
        QVERIFY(viewer->crosshair()[2] != after[2]);
        QTest::qWait(100);
        xy->grabFramebuffer().save(screenshotPath("gui_sliceXY_moved.png"));
    }

    void timeLapsePlaysAndPrefetches()
    {
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, REFRACTOME_DEMO_FILE));
        w.setFrame(3);
        QCOMPARE(w.currentFrame(), 3);
        auto* label = w.findChild<QLabel*>("timeLabel");
        QVERIFY(label->text().contains("frame 4 / 6"));
        QVERIFY2(label->text().contains("3.0 min"), qPrintable(label->text()));  // t = 180 s
        w.prefetcher()->wait();
        QVERIFY(w.prefetcher()->completed() >= 1);
        // A prefetched neighbour is shown quickly (cached).
        QElapsedTimer clock;
        clock.start();
        w.setFrame(4);
        const qint64 switchMs = clock.elapsed();
        qInfo("switching to a prefetched frame took %lld ms", switchMs);
        QVERIFY(switchMs < 3000);
        // The step is drawn at the interactive level of detail, then at full quality once it stays.
        render::VolumeScene* scene = w.viewer()->scene();
        QTRY_VERIFY_WITH_TIMEOUT(scene->interactiveDetail(), 2000);
        QTRY_VERIFY_WITH_TIMEOUT(!scene->interactiveDetail(), 5000);
        ui::TimeControls* tc = w.timeControls();
        tc->setFramesPerSecond(20);
        tc->setPlaying(true);
        QTRY_VERIFY_WITH_TIMEOUT(w.currentFrame() != 4, 5000);
        tc->setPlaying(false);
        QVERIFY(!tc->playing());
        // Keys typed into the 3D view's native GL window reach the window's shortcuts (Right: next
        // frame) and the view's own keys, as with any widget.
        const int before = w.currentFrame();
        // Window shortcuts act in the active window. Xvfb has no window manager to give focus on a
        // click, and an activation request is occasionally lost there (CI, once): ask again, and in
        // the end make the window active the way a window manager's focus change would.
        for (int attempt = 0; attempt < 3 && !w.isActiveWindow(); ++attempt) {
            w.raise();
            w.activateWindow();
            if (QTest::qWaitForWindowActive(&w, 2000))
                break;
        }
        if (!w.isActiveWindow())
            QApplication::setActiveWindow(&w);
        QTRY_VERIFY(w.isActiveWindow());
        QTest::mouseClick(w.view()->glWindow(), Qt::LeftButton, {}, QPoint(5, 5));
        QTest::keyClick(w.view()->glWindow(), before < 5 ? Qt::Key_Right : Qt::Key_Left);
        QTRY_COMPARE(w.currentFrame(), before < 5 ? before + 1 : before - 1);
        shot3D(w, "gui_timelapse.png");
    }

    void largeBlendsAreMadeOffTheGuiThread()
    {
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, REFRACTOME_DEMO_FILE));
        w.setSyncBlendLimit(0);  // every blend counts as large: the path a 512 x 512 x 64 field takes
        w.refreshNow();
        render::VolumeScene* scene = w.viewer()->scene();
        const auto cache = scene->blendCache();
        QCOMPARE(scene->shownStride(), 1);
        // The prefetcher blends the next frame ahead: switching to it blends nothing on the GUI thread.
        w.prefetcher()->wait();
        const std::size_t misses = cache->misses();
        w.setFrame(1);
        QCOMPARE(scene->shownStride(), 1);
        QCOMPARE(cache->misses(), misses);
        // A frame nobody blended ahead: a half-resolution preview at once, then the full blend made
        // on the prefetcher's thread replaces it.
        w.prefetcher()->wait();
        w.setFrame(4);
        QCOMPARE(scene->shownStride(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(scene->shownStride(), 1, 30000);
        QVERIFY(cache->contains(w.viewer()->layers(), 1));
        QTest::qWait(150);
        const QImage img = w.view()->grabFramebuffer();
        img.save(screenshotPath("gui_background_blend.png"));
        QVERIFY(countColours(img).foreground > 0.02);  // the cells are drawn from the worker's blend
    }

    void transferFunctionEditorEditsTheRiCurve()
    {
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, REFRACTOME_DEMO_FILE, {1100, 800}));
        ui::LayerModel* m = w.layers();
        const int ri = m->indexOf("ri");
        w.layersPanel()->setCurrentLayer(ri);
        auto* tf = w.findChild<ui::TransferFunctionEditor*>("tfEditor");
        QVERIFY(tf && tf->isVisible());
        const auto before = m->layer(ri).style.opacityCurve;
        QVERIFY(before.size() >= 2);
        // Drag the last point to the top, then add one by clicking empty space.
        const QPoint last = tf->pointPosition(static_cast<int>(before.size()) - 1).toPoint();
        QTest::mousePress(tf, Qt::LeftButton, {}, last);
        QMouseEvent move(QEvent::MouseMove, QPointF(last.x(), 8), tf->mapToGlobal(QPointF(last.x(), 8)), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(tf, &move);
        QTest::mouseRelease(tf, Qt::LeftButton, {}, QPoint(last.x(), 8));
        QVERIFY(m->layer(ri).style.opacityCurve.back().opacity > 0.95);
        const std::size_t count = m->layer(ri).style.opacityCurve.size();
        QTest::mouseClick(tf, Qt::LeftButton, {}, QPoint(tf->width() / 10 + 3, tf->height() / 2));
        QCOMPARE(m->layer(ri).style.opacityCurve.size(), count + 1);
        w.findChild<QWidget*>("tfEditor")->grab().save(screenshotPath("gui_tf_editor.png"));
        rfx::test::screenImage(w).save(screenshotPath("gui_window_tf.png"));
    }

    void resultsFileReopensWithUncertaintyLayersThatFade()
    {
        rfx::test::TempDir dir;
        const std::string path = dir.file("pred.h5");
        {
            DatasetPtr demo = openDataset(REFRACTOME_DEMO_FILE);
            const int ri = demo->channelIndex("ri"), nuc = demo->channelIndex("nucleus");
            ResultsWriter out(path);
            ChannelInfo riInfo = demo->channel(ri), nucInfo = demo->channel(nuc);
            riInfo.times_s = nucInfo.times_s = {0.0};
            nucInfo.role = ChannelRole::PredictedFluorescence;
            ChannelInfo std = nucInfo;
            std.name = "nucleus_data_std";
            std.role = ChannelRole::Uncertainty;
            std.derivedFrom = "nucleus";
            std.display = defaultDisplayFor(std.name, std.role);
            out.addChannel(riInfo, VoxelType::Float32);
            out.addChannel(nucInfo, VoxelType::Float32);
            out.addChannel(std, VoxelType::Float32);
            out.writeFrame("ri", 0, *demo->frame(ri, 0));
            const VolumePtr n = demo->frame(nuc, 0);
            out.writeFrame("nucleus", 0, *n);
            Volume u = Volume::zeros<float>(n->grid());  // unsure in the left half (small x)
            for (std::size_t z = 0; z < u.shape()[0]; ++z)
                for (std::size_t y = 0; y < u.shape()[1]; ++y)
                    for (std::size_t x = 0; x < u.shape()[2] / 2; ++x)
                        u.at<float>(z, y, x) = 1.0f;
            out.writeFrame("nucleus_data_std", 0, u);
            out.commit();
        }
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, QString::fromStdString(path)));
        ui::LayerModel* m = w.layers();
        QCOMPARE(m->count(), 3);
        const int nuc = m->indexOf("nucleus"), std = m->indexOf("nucleus_data_std");
        QVERIFY(std >= 0);
        QCOMPARE(m->layer(std).role, ChannelRole::Uncertainty);
        QVERIFY(!m->layer(std).style.visible);  // uncertainty starts hidden
        QCOMPARE(m->uncertaintyFor(nuc), std::vector<int>{std});
        showOnly(m, {"nucleus"});
        w.setRenderMode(render::RenderMode::MaximumIntensity);
        const int blueBefore = countColours(shot3D(w, "gui_fade_off.png")).blue;
        auto s = m->layer(nuc).style;
        s.fadeBy = std;
        m->setStyle(nuc, s);
        const int blueAfter = countColours(shot3D(w, "gui_fade_on.png")).blue;
        QVERIFY2(blueAfter < blueBefore * 0.8, qPrintable(QString("%1 -> %2").arg(blueBefore).arg(blueAfter)));
        // The uncertainty as its own colour-mapped layer.
        showOnly(m, {"nucleus_data_std"});
        const auto mag = countColours(shot3D(w, "gui_uncertainty_layer.png"));
        QVERIFY(mag.foreground > 0.05);
    }

    void exportsFigureAndRestoresSession()
    {
        rfx::test::TempDir dir;
        const QString png = QString::fromStdString(dir.file("figure.png"));
        const QString json = QString::fromStdString(dir.file("session.json"));
        {
            ui::MainWindow w;
            w.resize(1000, 700);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QVERIFY(w.openFile(REFRACTOME_DEMO_FILE, true));
            ui::LayerModel* m = w.layers();
            showOnly(m, {"ri", "nucleus", "lipid_droplets"});
            w.setRenderMode(render::RenderMode::MaximumIntensity);
            w.setFrame(2);
            w.refreshNow();
            QString error;
            QVERIFY2(w.exportFigure(png, 640, 480, &error), qPrintable(error));
            QImage fig(png);
            QCOMPARE(fig.size(), QSize(640, 480));
            const auto c = countColours(fig);
            QVERIFY(c.blue > 50);
            QVERIFY(c.yellow > 5);
            fig.save(screenshotPath("gui_export.png"));
            auto s = m->layer(m->indexOf("nucleus")).style;
            s.gamma = 0.7;
            s.opacity = 0.6;
            m->setStyle(m->indexOf("nucleus"), s);
            // A camera and a window size of the user's own, to come back exactly.
            w.resize(1100, 760);
            QTest::qWait(100);
            render::CameraState cam = w.viewer()->scene()->camera();
            cam.position = {cam.position[0] + 7.5, cam.position[1] - 3.0, cam.position[2] + 11.0};
            cam.viewAngle = 24;
            w.viewer()->scene()->setCamera(cam);
            savedCamera_ = w.viewer()->scene()->camera();
            savedSize_ = w.size();
            QVERIFY2(w.saveSession(json, &error), qPrintable(error));
        }
        ui::MainWindow w;
        w.resize(1000, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QString error;
        QVERIFY2(w.loadSession(json, &error), qPrintable(error));
        QVERIFY(w.dataset());
        ui::LayerModel* m = w.layers();
        const auto& nuc = m->layer(m->indexOf("nucleus")).style;
        QCOMPARE(nuc.gamma, 0.7);
        QCOMPARE(nuc.opacity, 0.6);
        QVERIFY(!m->layer(m->indexOf("membrane")).style.visible);
        QCOMPARE(w.currentFrame(), 2);
        QCOMPARE(w.viewer()->scene()->mode(), render::RenderMode::MaximumIntensity);
        const render::CameraState cam = w.viewer()->scene()->camera();
        for (int a = 0; a < 3; ++a)
            QCOMPARE(cam.position[std::size_t(a)], savedCamera_.position[std::size_t(a)]);
        QCOMPARE(cam.viewAngle, savedCamera_.viewAngle);
        QTRY_COMPARE(w.size(), savedSize_);  // the window geometry
        QVERIFY(!w.loadSession(QString::fromStdString(dir.file("missing.json")), &error));
    }

    void vectorFieldsAreDrawnAsArrows()
    {
        // A displacement field beside the demo's RI: ticking it adds arrows (and a colour bar).
        rfx::test::TempDir dir;
        const std::string path = dir.file("field.h5");
        {
            DatasetPtr demo = openDataset(REFRACTOME_DEMO_FILE);
            const int ri = demo->channelIndex("ri");
            ResultsWriter out(path);
            ChannelInfo riInfo = demo->channel(ri);
            riInfo.times_s = {0.0};
            ChannelInfo u;
            u.name = "displacement";
            u.role = ChannelRole::VectorField;
            u.unit = "µm";
            u.components = 3;
            u.times_s = {0.0};
            u.display = defaultDisplayFor(u.name, u.role);
            const VolumePtr riFrame = demo->frame(ri, 0);
            u.grid = riFrame->grid();
            out.addChannel(riInfo, VoxelType::Float32);
            out.addChannel(u, VoxelType::Float32);
            out.writeFrame("ri", 0, *riFrame);
            Volume field = Volume::zeros<float>(u.grid, 3);  // a swirl around the field's centre
            const auto& sh = field.shape();
            for (std::size_t z = 0; z < sh[0]; ++z)
                for (std::size_t y = 0; y < sh[1]; ++y)
                    for (std::size_t x = 0; x < sh[2]; ++x) {
                        float* v = field.data<float>() + 3 * ((z * sh[1] + y) * sh[2] + x);
                        v[0] = -(float(y) - float(sh[1]) / 2) * 0.01f;
                        v[1] = (float(x) - float(sh[2]) / 2) * 0.01f;
                    }
            out.writeFrame("displacement", 0, field);
            out.commit();
        }
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, QString::fromStdString(path), {900, 650}));
        ui::LayerModel* m = w.layers();
        const int vec = m->indexOf("displacement");
        QVERIFY(vec >= 0);
        QVERIFY(m->layer(vec).renderable);
        m->setVisible(vec, false);
        w.refreshNow();
        QCOMPARE(w.viewer()->scene()->glyphsDrawn(), std::size_t(0));
        const auto before = rfx::test::countColours(w.view()->grabFramebuffer());
        m->setVisible(vec, true);
        w.refreshNow();
        QTest::qWait(100);
        QVERIFY(w.viewer()->scene()->glyphsDrawn() > 100);
        const QImage shot = w.view()->grabFramebuffer();
        shot.save(rfx::test::screenshotPath("gui_vectors.png"));
        QVERIFY(rfx::test::countColours(shot).foreground > before.foreground);
    }

    void segmentsTheShownFrameThroughTheJob()
    {
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, REFRACTOME_DEMO_FILE));
        w.setFrame(2);
        ui::LayerModel* m = w.layers();
        const int before = m->count();
        // Cancelled: nothing changes.
        QSignalSpy cancelled(w.job(), &ui::BackgroundJob::cancelled);
        QVERIFY(w.startSegmentation());
        w.job()->cancel();
        QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, 60000);
        QCOMPARE(m->count(), before);
        QVERIFY(!w.hasUnsavedLayers());

        QSignalSpy failed(w.job(), &ui::BackgroundJob::failed);
        QVERIFY(w.startSegmentation());
        QTRY_VERIFY_WITH_TIMEOUT(!w.job()->running(), 120000);
        QVERIFY(failed.isEmpty());
        // The demo already has label channels: the new ones are told apart, and shown.
        const int cells = m->indexOf("cell_labels_seg");
        QVERIFY(cells >= 0);
        QVERIFY(m->indexOf("nucleus_labels_seg") >= 0);
        QVERIFY(m->indexOf("nucleus_mask") >= 0);
        QVERIFY(m->layer(cells).style.visible);
        QVERIFY(w.hasUnsavedLayers());
        // What core segments for that frame, voxel for voxel.
        const DatasetPtr demo = openDataset(REFRACTOME_DEMO_FILE);
        const SegmentationResult direct = segmentFrame(*demo, 2, SegmentationParams{});
        const VolumePtr shown = w.dataset()->frame(m->layer(cells).channel, 0);
        QCOMPARE(shown->shape(), direct.cellLabels.shape());
        QVERIFY(std::memcmp(shown->data<std::int32_t>(), direct.cellLabels.data<std::int32_t>(),
                            direct.cellLabels.values() * sizeof(std::int32_t)) == 0);
        w.refreshNow();
        QTest::qWait(100);
        w.view()->grabFramebuffer().save(screenshotPath("gui_segmented.png"));
    }

    void forcesAreReconstructedFromTheGui()
    {
        // Bead volumes as files, reconstructed through Analysis > Reconstruct Forces' job: the
        // results file is written and opened, and holds what core's pipeline computes directly.
        rfx::test::TempDir dir;
        BeadPairParams p;
        p.shape = {32, 64, 64};
        p.seed = 7;
        const BeadPair bp = generateBeadPair(p);
        auto write = [&](const std::string& name, const Volume& v, ChannelRole role) {
            return rfx::test::writeOneChannel(dir.file(name + ".h5"), name, v, role);
        };
        ui::ForceRequest req;
        req.relaxedPath = write("relaxed", bp.relaxed, ChannelRole::MeasuredFluorescence);
        req.stressedPath = write("stressed", bp.stressed, ChannelRole::MeasuredFluorescence);
        req.maskPath = write("mask", bp.cellMask, ChannelRole::Labels);
        req.young_Pa = p.material.young_Pa;
        req.poisson = p.material.poisson;
        req.window = 16;
        req.outputPath = QString::fromStdString(dir.file("forces.h5"));

        // The dialog refuses what cannot run and hands over what it shows.
        ui::ForceDialog dialog;
        ui::ForceRequest bad = req;
        bad.young_Pa = 0;
        dialog.setRequest(bad);
        auto* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled());
        dialog.setRequest(req);
        QVERIFY(ok->isEnabled());
        QCOMPARE(dialog.request().stressedPath, req.stressedPath);
        QCOMPARE(dialog.request().window, 16);
        QCOMPARE(dialog.request().method, ui::ForceMethod::Classical);
        ui::ForceRequest learned = req;
        learned.method = ui::ForceMethod::Learned;
        dialog.setRequest(learned);
        QCOMPARE(dialog.request().method, ui::ForceMethod::Learned);  // the method combo box
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.grab().save(screenshotPath("force_dialog.png"));
        dialog.hide();
        dialog.setRequest(req);

        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, req.relaxedPath));
        QString error;
        ui::ForceRequest over = req;
        over.outputPath = req.stressedPath;
        QVERIFY(!w.startForceReconstruction(over, &error));  // never over an input
        QVERIFY(!error.isEmpty());
        QSignalSpy failed(w.job(), &ui::BackgroundJob::failed);
        // Bead volumes of different sizes: the job fails with the loader's one-line reason and
        // writes nothing.
        {
            Volume small = Volume::zeros<float>([&] {
                Grid g = bp.relaxed.grid();
                g.shape = {16, 32, 32};
                return g;
            }());
            ui::ForceRequest mismatched = req;
            mismatched.stressedPath = write("small", small, ChannelRole::MeasuredFluorescence);
            QVERIFY2(w.startForceReconstruction(mismatched, &error), qPrintable(error));
            QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 60000);
            const QString why = failed.front().at(1).toString();
            QVERIFY2(why.contains("shape differs"), qPrintable(why));
            QVERIFY(!QFileInfo::exists(req.outputPath));
            failed.clear();
        }
        QVERIFY2(w.startForceReconstruction(req, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(!w.job()->running(), 120000);
        QVERIFY(failed.isEmpty());
        QTRY_VERIFY(w.layers()->indexOf("nodal_force") >= 0);  // the results file is open
        QVERIFY(w.layers()->indexOf("cell_mask") >= 0);

        const TfmResult direct = runClassicalTfm(tfmInputs(bp, p));
        const DatasetPtr saved = openDataset(req.outputPath.toStdString());
        const Volume u = saved->frame(std::size_t(saved->channelIndex("displacement")), 0)->toFloat();
        const Volume& du = direct.dvc.displacement_um;
        QCOMPARE(u.shape(), du.shape());
        double worst = 0;
        for (std::size_t i = 0; i < u.values(); ++i)
            worst = std::max(worst, std::abs(double(u.data<float>()[i]) - double(du.data<float>()[i])));
        QVERIFY2(worst < 1e-6, qPrintable(QString("displacement differs by %1 µm").arg(worst)));
    }

    void forceResultsShowTheCellSurfaceAndTheBeadPlane()
    {
        // A force reconstruction of a small synthetic bead pair, written as `tfm` writes it.
        rfx::test::TempDir dir;
        const std::string path = dir.file("forces.h5");
        {
            BeadPairParams p;
            p.shape = {32, 64, 64};
            p.seed = 5;
            const BeadPair bp = generateBeadPair(p);
            const TfmInputs in = tfmInputs(bp, p);
            const TfmResult r = runClassicalTfm(in);
            TfmOutputRequest req;
            req.resultsPath = path;
            req.beads = in.stressed;
            req.cellMask = in.cellMask;
            writeTfmOutputs(req, r);
        }
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, QString::fromStdString(path)));
        w.refreshNow();
        render::VolumeScene* scene = w.viewer()->scene();
        ui::LayerModel* m = w.layers();
        // Defaults: arrows of the vector layers, the cell as a surface, the bead plane under them.
        QVERIFY(m->layer(m->indexOf("cell_mask")).style.surface);
        QCOMPARE(scene->overlaysDrawn(), std::size_t(2));
        const std::size_t arrows = scene->glyphsDrawn();
        QVERIFY(arrows > 0);
        QTest::qWait(100);
        const QImage shot = w.view()->grabFramebuffer();
        shot.save(rfx::test::screenshotPath("gui_forces.png"));
        QVERIFY(rfx::test::countColours(shot).foreground > 0.05);

        // The panel's controls: one arrow every 2 nodes of the force layer; the mask blended instead.
        ui::LayersPanel* panel = w.layersPanel();
        const int force = m->indexOf("nodal_force");
        for (const char* name : {"displacement", "force_density", "tractions"})
            if (m->indexOf(name) >= 0)
                m->setVisible(m->indexOf(name), false);
        w.refreshNow();
        const std::size_t oneLayer = scene->glyphsDrawn();
        panel->setCurrentLayer(force);
        auto* stride = panel->findChild<QSpinBox*>("glyphStrideSpin");
        QVERIFY(stride && stride->isEnabled());
        stride->setValue(2);
        QCOMPARE(m->layer(force).style.glyphStride, 2);
        w.refreshNow();
        QVERIFY(scene->glyphsDrawn() < oneLayer);
        panel->setCurrentLayer(m->indexOf("cell_mask"));
        auto* drawAs = panel->findChild<QComboBox*>("drawAsCombo");
        QVERIFY(drawAs && drawAs->isEnabled());
        drawAs->setCurrentIndex(0);
        QVERIFY(!m->layer(m->indexOf("cell_mask")).style.surface);
        w.refreshNow();
        QCOMPARE(scene->overlaysDrawn(), std::size_t(1));  // the bead plane alone
    }

    void clippingBoxCutsTheVolume()
    {
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, REFRACTOME_DEMO_FILE, {900, 650}));
        w.refreshNow();
        QTest::qWait(100);
        const double whole = rfx::test::countColours(w.view()->grabFramebuffer()).foreground;
        ui::ViewerWidget* v = w.viewer();
        v->setClippingBoxVisible(true);  // placed on the data bounds: clips nothing yet
        QVERIFY(v->clippingBoxVisible());
        QVERIFY(v->scene()->clipped());
        // What dragging the +x face to 30 % of the width does.
        std::array<double, 6> b = v->scene()->bounds();
        b[1] = b[0] + 0.3 * (b[1] - b[0]);
        v->scene()->setClipBox(b);
        QTest::qWait(100);
        const QImage cut = w.view()->grabFramebuffer();
        cut.save(rfx::test::screenshotPath("gui_clipped.png"));
        const double clipped = rfx::test::countColours(cut).foreground;
        // About a third of the cells stay (not nothing: the box keeps its inside).
        QVERIFY2(clipped < 0.8 * whole && clipped > 0.15 * whole,
                 qPrintable(QString("foreground %1 clipped vs %2 whole").arg(clipped).arg(whole)));
        v->setClippingBoxVisible(false);
        QVERIFY(!v->scene()->clipped());
        QVERIFY(!v->clippingBoxVisible());
    }

    void hoveringShowsTheTooltipWithoutRendering()
    {
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, REFRACTOME_DEMO_FILE));
        int renders = 0;
        auto counter = vtkSmartPointer<vtkCallbackCommand>::New();
        counter->SetClientData(&renders);
        counter->SetCallback([](vtkObject*, unsigned long, void* n, void*) { ++*static_cast<int*>(n); });
        w.view()->renderWindow()->AddObserver(vtkCommand::EndEvent, counter);
        // Let the renders that opening causes (first frame, still frame, exposes) finish: on a loaded
        // machine they come late, and they are not the hover's.
        QElapsedTimer settle;
        settle.start();
        for (int seen = -1; seen != renders && settle.elapsed() < 15000;) {
            seen = renders;
            QTest::qWait(600);
        }
        renders = 0;
        QWindow* gl = w.view()->glWindow();
        // The native window sees every hover move; none may cost a render.
        for (int i = 0; i < 10; ++i)
            QTest::mouseMove(gl, QPoint(100 + 10 * i, 120 + 5 * i));
        QTest::qWait(1000);
        QCOMPARE(renders, 0);
        QTRY_VERIFY(QToolTip::isVisible());
        QCOMPARE(QToolTip::text(), w.view()->toolTip());
        // A drag rotates: that renders.
        QTest::mousePress(gl, Qt::LeftButton, {}, QPoint(100, 100));
        QMouseEvent drag(QEvent::MouseMove, QPointF(160, 130), gl->mapToGlobal(QPointF(160, 130)), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(gl, &drag);
        QTest::mouseRelease(gl, Qt::LeftButton, {}, QPoint(160, 130));
        QTRY_VERIFY(renders > 0);
        QVERIFY(!QToolTip::isVisible());
    }

    void droppedFilesOpenEachInItsOwnWindow()
    {
        ui::MainWindow w;
        w.resize(900, 650);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto windows = [] {
            int n = 0;
            for (QWidget* top : QApplication::topLevelWidgets())
                n += qobject_cast<ui::MainWindow*>(top) && top->isVisible() ? 1 : 0;
            return n;
        };
        const int before = windows();
        QMimeData data;
        data.setUrls({QUrl::fromLocalFile(REFRACTOME_DEMO_FILE), QUrl::fromLocalFile(REFRACTOME_DEMO_FILE)});
        // What the window system delivers: the drag enters (and is accepted), then the drop.
        QDragEnterEvent enter(QPoint(200, 200), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(200, 200), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &drop);
        QVERIFY(drop.isAccepted());
        QVERIFY(w.dataset());  // the first file, here
        QCOMPARE(windows(), before + 1);  // the second, in a new window
        for (QWidget* top : QApplication::topLevelWidgets())
            if (auto* other = qobject_cast<ui::MainWindow*>(top); other && other != &w && other->isVisible()) {
                QVERIFY(other->dataset());
                QVERIFY(other->testAttribute(Qt::WA_DeleteOnClose));
                other->close();
            }
    }

    void badFileIsRefusedWithoutCrash()
    {
        rfx::test::TempDir dir;
        const std::string bad = dir.file("broken.TCF");
        std::ofstream(bad) << "this is not HDF5";
        ui::MainWindow w;
        w.show();
        QVERIFY(!w.openFile(QString::fromStdString(bad), true));
        QVERIFY(!w.dataset());
    }
};

int main(int argc, char** argv)
{
    rfx::test::setTestSurfaceFormat();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("RefractomeTests");  // keeps recent files out of the user's settings
    MainWindowTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "MainWindowTest.moc"
