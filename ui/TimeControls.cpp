#include "ui/TimeControls.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QSpinBox>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <cmath>

namespace rfx::ui {

TimeControls::TimeControls(QWidget* parent) : QWidget(parent)
{
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(4, 2, 4, 2);
    play_ = new QToolButton(this);
    play_->setObjectName("playButton");
    play_->setCheckable(true);
    play_->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    play_->setToolTip(tr("Play / pause the time-lapse (Space)"));
    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setObjectName("timeSlider");
    slider_->setToolTip(tr("Time frame (Left / Right arrows)"));
    slider_->setPageStep(1);
    fps_ = new QSpinBox(this);
    fps_->setObjectName("fpsSpin");
    fps_->setRange(1, 30);
    fps_->setValue(4);
    fps_->setSuffix(tr(" fps"));
    fps_->setToolTip(tr("Playback rate in frames per second"));
    label_ = new QLabel(this);
    label_->setObjectName("timeLabel");
    label_->setMinimumWidth(190);
    row->addWidget(play_);
    row->addWidget(slider_, 1);
    row->addWidget(fps_);
    row->addWidget(label_);
    timer_ = new QTimer(this);
    connect(timer_, &QTimer::timeout, this, [this] {
        const int n = slider_->maximum() + 1;
        if (n > 1)
            slider_->setValue((slider_->value() + 1) % n);  // loops
    });
    connect(play_, &QToolButton::toggled, this, [this](bool on) { setPlaying(on); });
    connect(fps_, &QSpinBox::valueChanged, this, [this](int v) { timer_->setInterval(1000 / v); });
    connect(slider_, &QSlider::valueChanged, this, [this](int v) {
        updateLabel();
        Q_EMIT frameChanged(v);
    });
    timer_->setInterval(1000 / fps_->value());
    setTimes({});
}

QString TimeControls::timeText(double s)
{
    if (s < 120)
        return tr("%1 s").arg(s, 0, 'f', s < 10 ? 2 : 1);
    if (s < 7200)
        return tr("%1 min").arg(s / 60.0, 0, 'f', 1);
    return tr("%1 h").arg(s / 3600.0, 0, 'f', 2);
}

void TimeControls::setTimes(const std::vector<double>& times_s)
{
    setPlaying(false);
    times_ = times_s;
    const QSignalBlocker block(slider_);
    slider_->setRange(0, std::max(0, static_cast<int>(times_.size()) - 1));
    slider_->setValue(0);
    const bool many = times_.size() > 1;
    slider_->setEnabled(many);
    play_->setEnabled(many);
    fps_->setEnabled(many);
    updateLabel();
}

int TimeControls::frame() const { return slider_->value(); }
void TimeControls::setFrame(int frame) { slider_->setValue(frame); }
bool TimeControls::playing() const { return timer_->isActive(); }

void TimeControls::setPlaying(bool on)
{
    on = on && times_.size() > 1;
    if (on)
        timer_->start();
    else
        timer_->stop();
    const QSignalBlocker block(play_);
    play_->setChecked(on);
    play_->setIcon(style()->standardIcon(on ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
}

double TimeControls::framesPerSecond() const { return fps_->value(); }
void TimeControls::setFramesPerSecond(double fps) { fps_->setValue(static_cast<int>(std::lround(fps))); }

void TimeControls::step(int delta)
{
    const int n = slider_->maximum() + 1;
    if (n > 1)
        slider_->setValue(((slider_->value() + delta) % n + n) % n);
}

void TimeControls::updateLabel()
{
    if (times_.empty()) {
        label_->setText(tr("no time-lapse"));
        return;
    }
    const int t = slider_->value();
    label_->setText(tr("t = %1   frame %2 / %3").arg(timeText(times_[static_cast<std::size_t>(t)])).arg(t + 1).arg(times_.size()));
}

} // namespace rfx::ui
