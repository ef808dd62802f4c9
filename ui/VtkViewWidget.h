#pragma once
// Hosts a vtkGenericOpenGLRenderWindow in a Qt 6 widget (Debian's VTK Qt module is Qt 5, so we
// cannot use QVTKOpenGLNativeWidget). The GL surface is a native child window (VtkGLWindow in a
// window container): VTK renders into its own framebuffer and blits into the window's back
// buffer. Mouse and keyboard events are interpreted here and forwarded to a VTK interactor.
#include <QImage>
#include <QTimer>
#include <QWidget>

class QWindow;
#include <vtkSmartPointer.h>

class vtkGenericOpenGLRenderWindow;
class vtkRenderWindowInteractor;
class vtkGenericRenderWindowInteractor;
class vtkObject;

namespace rfx::ui {

class VtkGLWindow;

class VtkViewWidget : public QWidget {
    Q_OBJECT
public:
    explicit VtkViewWidget(QWidget* parent = nullptr);
    ~VtkViewWidget() override;

    vtkGenericOpenGLRenderWindow* renderWindow() const;
    // The interactor that receives this widget's mouse events (for 3D widgets such as the clipping box).
    vtkRenderWindowInteractor* interactor() const;
    // Requests a repaint that re-renders the VTK scene.
    void requestRender();
    // The same at the interactive level of detail (frame changes, slider drags), followed by a
    // full-quality render once no other quick render was asked for during 400 ms.
    void requestQuickRender();
    // Slice views: image-style interaction (wheel zoom, middle-drag pan, right-drag zoom) and
    // left press/drag reported as pointPicked instead of rotating.
    void useSliceInteraction();
    // Renders the scene now and reads it back (what the view shows); empty before the view was
    // first exposed.
    QImage grabFramebuffer();
    // The native surface that receives the input events (for tests that type or click into it).
    QWindow* glWindow() const;

Q_SIGNALS:
    // Left click or drag in a slice view, in VTK display pixels (origin bottom-left).
    void pointPicked(int x, int y);
    // 3D view: a left click without dragging (a drag rotates), in VTK display pixels.
    void clicked(int x, int y);
    // The R key: reset the camera.
    void resetCameraRequested();
    // The GL surface got a new size (pixels); slice views refit their image.
    void resized();

protected:
    void mousePressEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void wheelEvent(QWheelEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;

private:
    friend class VtkGLWindow;
    // Called by the GL window with its context current.
    void initializeSurface();
    void resizeSurface(int w, int h);
    void paintSurface();
    void renderAndClearAlpha();
    void onWindowEvent(vtkObject* caller, unsigned long event, void* data);
    void forwardMouse(QMouseEvent* e, unsigned long vtkEvent);
    QPoint vtkPosition(const QPointF& p) const;

    VtkGLWindow* glWindow_;
    vtkSmartPointer<vtkGenericOpenGLRenderWindow> window_;
    vtkSmartPointer<vtkGenericRenderWindowInteractor> interactor_;
    bool inPaint_ = false;
    bool sliceMode_ = false;
    bool picking_ = false;
    QPointF pressAt_{-1000, -1000};  // where the left button went down (click vs. rotate)
    QTimer* stillTimer_ = nullptr;
};

} // namespace rfx::ui
