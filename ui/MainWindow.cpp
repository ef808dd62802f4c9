#include "ui/MainWindow.h"

#include <QApplication>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSlider>
#include <QStatusBar>
#include <QVBoxLayout>

#include <vtkGenericOpenGLRenderWindow.h>

#include "core/io/DatasetOpener.h"
#include "core/util/Errors.h"
#include "render/VolumeScene.h"
#include "ui/VtkViewWidget.h"

namespace rfx::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle("Refractome");
    setAcceptDrops(true);
    view_ = new VtkViewWidget(this);
    setCentralWidget(view_);
    scene_ = std::make_unique<render::VolumeScene>(view_->renderWindow());

    auto* dock = new QDockWidget(tr("Channels"), this);
    dock->setObjectName("channelsDock");
    auto* panel = new QWidget(dock);
    auto* layout = new QVBoxLayout(panel);
    channels_ = new QListWidget(panel);
    channels_->setObjectName("channelList");
    channels_->setToolTip(tr("Channels of the open file; select one to show it in 3D"));
    infoLabel_ = new QLabel(tr("No file open. File > Open or drop a .TCF, TIFF or .h5 file here."), panel);
    infoLabel_->setWordWrap(true);
    timeSlider_ = new QSlider(Qt::Horizontal, panel);
    timeSlider_->setObjectName("timeSlider");
    timeSlider_->setToolTip(tr("Time frame (Left/Right arrows)"));
    timeSlider_->setEnabled(false);
    timeLabel_ = new QLabel(panel);
    layout->addWidget(channels_);
    layout->addWidget(timeLabel_);
    layout->addWidget(timeSlider_);
    layout->addWidget(infoLabel_);
    dock->setWidget(panel);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open..."), QKeySequence::Open, this, &MainWindow::chooseFile);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::closeAllWindows);

    connect(channels_, &QListWidget::currentRowChanged, this, [this] { showCurrent(); });
    connect(timeSlider_, &QSlider::valueChanged, this, [this] { showCurrent(); });
    statusBar()->showMessage(tr("Ready"));
    resize(1200, 800);
}

MainWindow::~MainWindow() = default;

int MainWindow::currentChannel() const { return channels_->currentRow(); }
int MainWindow::currentFrame() const { return timeSlider_->value(); }

void MainWindow::chooseFile()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open tomogram"), QString(),
        tr("Tomograms (*.TCF *.tcf *.tif *.tiff *.h5 *.hdf5 *.nrrd *.mha *.mhd *.nii *.nii.gz);;All files (*)"));
    if (!path.isEmpty())
        openFile(path);
}

bool MainWindow::openFile(const QString& path, bool quiet)
{
    try {
        DatasetPtr ds = openDataset(path.toStdString());
        dataset_ = ds;
    } catch (const std::exception& e) {
        statusBar()->showMessage(QString::fromStdString(e.what()));
        if (!quiet)
            QMessageBox::warning(this, tr("Cannot open file"), QString::fromStdString(e.what()));
        return false;
    }
    const QSignalBlocker block1(channels_), block2(timeSlider_);
    channels_->clear();
    for (std::size_t c = 0; c < dataset_->channelCount(); ++c) {
        const ChannelInfo& ch = dataset_->channel(c);
        auto* item = new QListWidgetItem(QString::fromStdString(ch.name + "  [" + channelRoleName(ch.role) + "]"));
        // Fluorescence channels are listed in their display colour; others in the normal text colour
        // (white-on-white label channels would be invisible).
        if (ch.role == ChannelRole::MeasuredFluorescence || ch.role == ChannelRole::PredictedFluorescence) {
            const auto& col = ch.display.color;
            item->setForeground(QColor::fromRgbF(col[0], col[1], col[2]));
        }
        item->setToolTip(QString::fromStdString(ch.unit));
        channels_->addItem(item);
    }
    const int ri = dataset_->firstChannelWithRole(ChannelRole::RefractiveIndex);
    channels_->setCurrentRow(ri >= 0 ? ri : 0);
    timeSlider_->setRange(0, static_cast<int>(dataset_->frameCount()) - 1);
    timeSlider_->setValue(0);
    timeSlider_->setEnabled(dataset_->frameCount() > 1);
    const ChannelInfo& primary = dataset_->channel(static_cast<std::size_t>(channels_->currentRow()));
    infoLabel_->setText(tr("%1\n%2 x %3 x %4 voxels (z, y, x)\nvoxel %5 x %6 x %7 µm\n%8 frames")
                            .arg(QFileInfo(path).fileName())
                            .arg(primary.grid.shape[0]).arg(primary.grid.shape[1]).arg(primary.grid.shape[2])
                            .arg(primary.grid.spacing_um[0]).arg(primary.grid.spacing_um[1]).arg(primary.grid.spacing_um[2])
                            .arg(dataset_->frameCount()));
    setWindowTitle(QFileInfo(path).fileName() + " - Refractome");
    showCurrent();
    scene_->resetCamera();
    view_->requestRender();
    statusBar()->showMessage(tr("Opened %1").arg(path));
    return true;
}

void MainWindow::showCurrent()
{
    if (!dataset_ || channels_->currentRow() < 0)
        return;
    const auto c = static_cast<std::size_t>(channels_->currentRow());
    const ChannelInfo& ch = dataset_->channel(c);
    const auto t = std::min<std::size_t>(static_cast<std::size_t>(timeSlider_->value()), ch.frames() - 1);
    timeLabel_->setText(tr("t = %1 s (frame %2 of %3)").arg(ch.times_s[t]).arg(t + 1).arg(ch.frames()));
    if (ch.components != 1) {
        statusBar()->showMessage(tr("'%1' is a vector field; arrows are not shown in this view yet").arg(QString::fromStdString(ch.name)));
        return;
    }
    try {
        VolumePtr v = dataset_->frame(c, t);
        scene_->show(*v, ch);
    } catch (const std::exception& e) {
        statusBar()->showMessage(QString::fromStdString(e.what()));
        return;
    }
    view_->requestRender();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e)
{
    if (e->mimeData()->hasUrls())
        e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e)
{
    const auto urls = e->mimeData()->urls();
    if (!urls.isEmpty() && urls.front().isLocalFile())
        openFile(urls.front().toLocalFile());
}

} // namespace rfx::ui
