#include "ui/VtkGLWindow.h"

#include <QCoreApplication>
#include <QEvent>

#include "ui/VtkViewWidget.h"

namespace rfx::ui {

VtkGLWindow::VtkGLWindow(VtkViewWidget* owner) : QOpenGLWindow(NoPartialUpdate), owner_(owner) {}

void VtkGLWindow::initializeGL() { owner_->initializeSurface(); }

void VtkGLWindow::resizeGL(int w, int h) { owner_->resizeSurface(w, h); }

void VtkGLWindow::paintGL() { owner_->paintSurface(); }

bool VtkGLWindow::event(QEvent* e)
{
    switch (e->type()) {
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonRelease:
    case QEvent::MouseButtonDblClick:
    case QEvent::MouseMove:
    case QEvent::Wheel:
    case QEvent::KeyPress:
    case QEvent::KeyRelease:
        // The container fills the owner exactly, so positions need no mapping. Unhandled keys
        // propagate from the owner to its parents (shortcuts, menus) as for any widget.
        return QCoreApplication::sendEvent(owner_, e);
    default:
        return QOpenGLWindow::event(e);
    }
}

} // namespace rfx::ui
