#include "ui/VtkGLWindow.h"

#include <QCoreApplication>
#include <QMouseEvent>
#include <QTimer>
#include <QToolTip>

#include "ui/VtkViewWidget.h"

namespace rfx::ui {

VtkGLWindow::VtkGLWindow(VtkViewWidget* owner)
    : QOpenGLWindow(NoPartialUpdate), owner_(owner), tooltipTimer_(new QTimer(this))
{
    tooltipTimer_->setSingleShot(true);
    tooltipTimer_->setInterval(700);
    connect(tooltipTimer_, &QTimer::timeout, this, [this] {
        if (!owner_->toolTip().isEmpty())
            QToolTip::showText(hoverAt_, owner_->toolTip(), owner_);
    });
}

void VtkGLWindow::initializeGL() { owner_->initializeSurface(); }

void VtkGLWindow::resizeGL(int w, int h) { owner_->resizeSurface(w, h); }

void VtkGLWindow::paintGL() { owner_->paintSurface(); }

bool VtkGLWindow::event(QEvent* e)
{
    switch (e->type()) {
    case QEvent::MouseMove:
        if (static_cast<QMouseEvent*>(e)->buttons() == Qt::NoButton) {
            hoverAt_ = static_cast<QMouseEvent*>(e)->globalPosition().toPoint();
            tooltipTimer_->start();
            return true;
        }
        return QCoreApplication::sendEvent(owner_, e);
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonDblClick:
    case QEvent::Wheel:
    case QEvent::KeyPress:
        tooltipTimer_->stop();
        QToolTip::hideText();
        // The container fills the owner exactly, so positions need no mapping. Unhandled keys
        // propagate from the owner to its parents (shortcuts, menus) as for any widget.
        return QCoreApplication::sendEvent(owner_, e);
    case QEvent::MouseButtonRelease:
    case QEvent::KeyRelease:
        return QCoreApplication::sendEvent(owner_, e);
    case QEvent::Leave:
        tooltipTimer_->stop();
        return QOpenGLWindow::event(e);
    default:
        return QOpenGLWindow::event(e);
    }
}

} // namespace rfx::ui
