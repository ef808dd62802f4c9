#pragma once
// Time-lapse controls: play/pause, a frame slider, the playback rate and the current time.
// Playback advances on a timer and never waits for I/O; the prefetcher keeps the next frames
// decoded in the background.
#include <QWidget>
#include <vector>

class QSlider;
class QToolButton;
class QSpinBox;
class QLabel;
class QTimer;

namespace rfx::ui {

class TimeControls : public QWidget {
    Q_OBJECT
public:
    explicit TimeControls(QWidget* parent = nullptr);

    // Frame times in seconds; one frame (or none) disables the controls.
    void setTimes(const std::vector<double>& times_s);
    int frame() const;
    void setFrame(int frame);
    bool playing() const;
    void setPlaying(bool on);
    double framesPerSecond() const;
    void setFramesPerSecond(double fps);
    void step(int delta);
    static QString timeText(double seconds);

Q_SIGNALS:
    void frameChanged(int frame);

private:
    void updateLabel();

    QToolButton* play_;
    QSlider* slider_;
    QSpinBox* fps_;
    QLabel* label_;
    QTimer* timer_;
    std::vector<double> times_;
};

} // namespace rfx::ui
