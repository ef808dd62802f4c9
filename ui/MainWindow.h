#pragma once
// The main window: File > Open (also drag and drop and the command line), a channel list,
// a time slider and the 3D view. Holds the open dataset only as a shared, immutable handle.
#include <QMainWindow>
#include <memory>

#include "core/model/Dataset.h"

class QListWidget;
class QSlider;
class QLabel;

namespace rfx::render {
class VolumeScene;
}

namespace rfx::ui {

class VtkViewWidget;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a file; on failure shows the one-line error in the status bar and a message box
    // (unless quiet) and returns false.
    bool openFile(const QString& path, bool quiet = false);
    DatasetPtr dataset() const { return dataset_; }
    int currentChannel() const;
    int currentFrame() const;
    VtkViewWidget* view() const { return view_; }

protected:
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;

private:
    void showCurrent();
    void chooseFile();

    VtkViewWidget* view_ = nullptr;
    QListWidget* channels_ = nullptr;
    QSlider* timeSlider_ = nullptr;
    QLabel* timeLabel_ = nullptr;
    QLabel* infoLabel_ = nullptr;
    std::unique_ptr<render::VolumeScene> scene_;
    DatasetPtr dataset_;
};

} // namespace rfx::ui
