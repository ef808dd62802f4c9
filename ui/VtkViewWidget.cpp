#include "ui/VtkViewWidget.h"

#include <QLineF>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLExtraFunctions>
#include <QVBoxLayout>
#include <QWheelEvent>


#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyle.h>
#include <vtkInteractorStyleImage.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkRendererCollection.h>

#include "render/RenderLock.h"
#include "ui/VtkGLWindow.h"

namespace rfx::ui {

VtkViewWidget::VtkViewWidget(QWidget* parent) : QWidget(parent), glWindow_(new VtkGLWindow(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    QWidget* container = QWidget::createWindowContainer(glWindow_, this);
    // Clicks focus the view (keys such as R reach it); events arrive through the GL window.
    container->setFocusPolicy(Qt::StrongFocus);
    layout->addWidget(container);
    window_ = vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New();
    window_->SetMultiSamples(0);
    interactor_ = vtkSmartPointer<vtkGenericRenderWindowInteractor>::New();
    interactor_->SetRenderWindow(window_);
    auto style = vtkSmartPointer<vtkInteractorStyleTrackballCamera>::New();
    interactor_->SetInteractorStyle(style);
    // The interactor must not render on its own: rendering happens in paintGL.
    interactor_->EnableRenderOff();
    interactor_->Initialize();
    for (unsigned long ev : {vtkCommand::WindowMakeCurrentEvent, vtkCommand::WindowIsCurrentEvent,
                             vtkCommand::WindowFrameEvent})
        window_->AddObserver(ev, this, &VtkViewWidget::onWindowEvent);
    // Interaction changes the camera: schedule a repaint instead of rendering immediately.
    interactor_->AddObserver(vtkCommand::RenderEvent, this, &VtkViewWidget::onWindowEvent);
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(false);
    setMinimumSize(200, 200);
    stillTimer_ = new QTimer(this);
    stillTimer_->setSingleShot(true);
    stillTimer_->setInterval(400);
    connect(stillTimer_, &QTimer::timeout, this, [this] {
        // A drag that began meanwhile keeps its interactive rate; its end renders the still frame.
        auto* style = vtkInteractorStyle::SafeDownCast(interactor_->GetInteractorStyle());
        if (style && style->GetState() != VTKIS_NONE)
            return;
        window_->SetDesiredUpdateRate(interactor_->GetStillUpdateRate());
        requestRender();
    });
}

VtkViewWidget::~VtkViewWidget()
{
    // Release VTK's GL resources in their context while the GL window still exists.
    window_->RemoveAllObservers();
    if (glWindow_->isValid()) {
        glWindow_->makeCurrent();
        window_->Finalize();
        glWindow_->doneCurrent();
    }
}

void VtkViewWidget::onWindowEvent(vtkObject*, unsigned long event, void* data)
{
    switch (event) {
    case vtkCommand::WindowMakeCurrentEvent:
        // Re-making the context current would re-bind Qt's framebuffer while VTK builds its own
        // FBOs (garbage frames): only make current when it is not already.
        if (QOpenGLContext::currentContext() != glWindow_->context())
            glWindow_->makeCurrent();
        break;
    case vtkCommand::WindowIsCurrentEvent:
        *static_cast<bool*>(data) = QOpenGLContext::currentContext() == glWindow_->context();
        break;
    case vtkCommand::WindowFrameEvent:
        if (!inPaint_)
            glWindow_->update();
        break;
    case vtkCommand::RenderEvent:
        requestRender();
        break;
    default:
        break;
    }
}

vtkGenericOpenGLRenderWindow* VtkViewWidget::renderWindow() const { return window_.Get(); }

vtkRenderWindowInteractor* VtkViewWidget::interactor() const { return interactor_; }

QWindow* VtkViewWidget::glWindow() const { return glWindow_; }

void VtkViewWidget::requestRender()
{
    glWindow_->update();
}

void VtkViewWidget::requestQuickRender()
{
    window_->SetDesiredUpdateRate(interactor_->GetDesiredUpdateRate());
    requestRender();
    stillTimer_->start();
}

void VtkViewWidget::initializeSurface()
{
    window_->SetOwnContext(0);
    window_->SetReadyForRendering(true);
    window_->SetFrameBlitModeToBlitToCurrent();
    window_->OpenGLInitContext();
}

void VtkViewWidget::resizeSurface(int w, int h)
{
    const qreal dpr = glWindow_->devicePixelRatio();
    const int pw = static_cast<int>(w * dpr), ph = static_cast<int>(h * dpr);
    window_->SetSize(pw, ph);
    interactor_->UpdateSize(pw, ph);
    Q_EMIT resized();
}

void VtkViewWidget::renderAndClearAlpha()
{
    const render::RenderGuard turn;
    window_->Render();
    // Opaque alpha: the window system must not blend the view with what lies beneath.
    QOpenGLFunctions* f = glWindow_->context()->functions();
    f->glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
    f->glClearColor(0, 0, 0, 1);
    f->glClear(GL_COLOR_BUFFER_BIT);
    f->glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
}

void VtkViewWidget::paintSurface()
{
    if (inPaint_)
        return;
    inPaint_ = true;
    // Always render: the back buffer's content is undefined after a swap.
    renderAndClearAlpha();
    inPaint_ = false;
}

QImage VtkViewWidget::grabFramebuffer()
{
    if (!glWindow_->isValid() || inPaint_)
        return {};
    inPaint_ = true;
    glWindow_->makeCurrent();
    renderAndClearAlpha();
    // Read the back buffer VTK just blitted into; it is never swapped, the screen keeps its frame.
    const int w = window_->GetSize()[0], h = window_->GetSize()[1];
    QImage img(w, h, QImage::Format_RGBA8888);  // rows of 4 w bytes: no padding to tell GL about
    QOpenGLExtraFunctions* f = glWindow_->context()->extraFunctions();
    f->glBindFramebuffer(GL_READ_FRAMEBUFFER, glWindow_->defaultFramebufferObject());
    f->glReadBuffer(GL_BACK);
    f->glPixelStorei(GL_PACK_ALIGNMENT, 4);
    f->glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, img.bits());
    glWindow_->doneCurrent();
    inPaint_ = false;
    img = img.mirrored();  // GL rows run bottom-up
    img.setDevicePixelRatio(glWindow_->devicePixelRatio());
    return img.convertToFormat(QImage::Format_RGB32);
}

void VtkViewWidget::useSliceInteraction()
{
    sliceMode_ = true;
    auto style = vtkSmartPointer<vtkInteractorStyleImage>::New();
    interactor_->SetInteractorStyle(style);
}

QPoint VtkViewWidget::vtkPosition(const QPointF& p) const
{
    // VTK's origin is bottom-left; Qt's top-left.
    const qreal dpr = devicePixelRatioF();
    return {static_cast<int>(p.x() * dpr), static_cast<int>((height() - p.y() - 1) * dpr)};
}

void VtkViewWidget::forwardMouse(QMouseEvent* e, unsigned long vtkEvent)
{
    const QPoint v = vtkPosition(e->position());
    // Interactor styles reset the clipping range, which measures text labels with FreeType.
    const render::RenderGuard turn;
    interactor_->SetEventInformation(v.x(), v.y(),
                                     (e->modifiers() & Qt::ControlModifier) ? 1 : 0,
                                     (e->modifiers() & Qt::ShiftModifier) ? 1 : 0);
    interactor_->InvokeEvent(vtkEvent, e);
}

void VtkViewWidget::mousePressEvent(QMouseEvent* e)
{
    if (sliceMode_ && e->button() == Qt::LeftButton) {
        picking_ = true;
        const QPoint v = vtkPosition(e->position());
        Q_EMIT pointPicked(v.x(), v.y());
        return;
    }
    if (e->button() == Qt::LeftButton)
        pressAt_ = e->position();
    switch (e->button()) {
    case Qt::LeftButton: forwardMouse(e, vtkCommand::LeftButtonPressEvent); break;
    case Qt::MiddleButton: forwardMouse(e, vtkCommand::MiddleButtonPressEvent); break;
    case Qt::RightButton: forwardMouse(e, vtkCommand::RightButtonPressEvent); break;
    default: break;
    }
}

void VtkViewWidget::mouseReleaseEvent(QMouseEvent* e)
{
    if (picking_ && e->button() == Qt::LeftButton) {
        picking_ = false;
        return;
    }
    if (e->button() == Qt::LeftButton && QLineF(pressAt_, e->position()).length() < 3) {
        const QPoint v = vtkPosition(e->position());
        Q_EMIT clicked(v.x(), v.y());
    }
    switch (e->button()) {
    case Qt::LeftButton: forwardMouse(e, vtkCommand::LeftButtonReleaseEvent); break;
    case Qt::MiddleButton: forwardMouse(e, vtkCommand::MiddleButtonReleaseEvent); break;
    case Qt::RightButton: forwardMouse(e, vtkCommand::RightButtonReleaseEvent); break;
    default: break;
    }
}

void VtkViewWidget::mouseMoveEvent(QMouseEvent* e)
{
    if (picking_) {
        const QPoint v = vtkPosition(e->position());
        Q_EMIT pointPicked(v.x(), v.y());
        return;
    }
    forwardMouse(e, vtkCommand::MouseMoveEvent);
    requestRender();
}

void VtkViewWidget::wheelEvent(QWheelEvent* e)
{
    const qreal dpr = devicePixelRatioF();
    const QPointF p = e->position();
    const render::RenderGuard turn;
    interactor_->SetEventInformation(static_cast<int>(p.x() * dpr), static_cast<int>((height() - p.y() - 1) * dpr));
    interactor_->InvokeEvent(e->angleDelta().y() > 0 ? vtkCommand::MouseWheelForwardEvent
                                                     : vtkCommand::MouseWheelBackwardEvent,
                             e);
    requestRender();
}

void VtkViewWidget::keyPressEvent(QKeyEvent* e)
{
    if (e->key() == Qt::Key_R) {
        // The scene owner knows the right view (data bounds, microscopy orientation).
        Q_EMIT resetCameraRequested();
        requestRender();
        return;
    }
    QWidget::keyPressEvent(e);
}

} // namespace rfx::ui
