#pragma once
// Status-bar widget for the background job: what runs, a progress bar, the estimated time left
// and a Cancel button. Never modal: the viewer stays usable while the job runs.
#include <QWidget>

class QProgressBar;
class QLabel;
class QPushButton;

namespace rfx::ui {

class BackgroundJob;

class JobStatusWidget : public QWidget {
    Q_OBJECT
public:
    explicit JobStatusWidget(BackgroundJob* job, QWidget* parent = nullptr);
    static QString etaText(double seconds);

private:
    QLabel* title_;
    QProgressBar* bar_;
    QLabel* eta_;
    QPushButton* cancel_;
};

} // namespace rfx::ui
