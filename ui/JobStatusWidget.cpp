#include "ui/JobStatusWidget.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <cmath>

#include "ui/BackgroundJob.h"

namespace rfx::ui {

QString JobStatusWidget::etaText(double s)
{
    if (s < 0)
        return tr("estimating…");
    if (s < 60)
        return tr("%1 s left").arg(std::ceil(s));
    return tr("%1 min %2 s left").arg(int(s) / 60).arg(int(s) % 60);
}

JobStatusWidget::JobStatusWidget(BackgroundJob* job, QWidget* parent) : QWidget(parent)
{
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    title_ = new QLabel(this);
    bar_ = new QProgressBar(this);
    bar_->setObjectName("jobProgress");
    bar_->setRange(0, 1000);
    bar_->setMaximumWidth(220);
    bar_->setTextVisible(true);
    eta_ = new QLabel(this);
    eta_->setObjectName("jobEta");
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setObjectName("jobCancel");
    cancel_->setToolTip(tr("Stop the running job; nothing of it is kept (Esc)"));
    row->addWidget(title_);
    row->addWidget(bar_);
    row->addWidget(eta_);
    row->addWidget(cancel_);
    setVisible(false);
    connect(cancel_, &QPushButton::clicked, job, &BackgroundJob::cancel);
    connect(job, &BackgroundJob::started, this, [this](const QString& t) {
        title_->setText(t);
        bar_->setValue(0);
        bar_->setFormat("%p%");
        eta_->setText(etaText(-1));
        setVisible(true);
    });
    connect(job, &BackgroundJob::progress, this, [this](double f, const QString& stage, double eta) {
        bar_->setValue(static_cast<int>(f * 1000));
        bar_->setFormat(stage.isEmpty() ? QString("%p%") : stage + "  %p%");
        eta_->setText(etaText(eta));
    });
    for (auto signal : {&BackgroundJob::finished, &BackgroundJob::cancelled})
        connect(job, signal, this, [this] { setVisible(false); });
    connect(job, &BackgroundJob::failed, this, [this] { setVisible(false); });
}

} // namespace rfx::ui
