#pragma once
// Hosts a vtkGenericOpenGLRenderWindow inside a QOpenGLWidget (Debian's VTK Qt module is Qt 5,
// so we cannot use QVTKOpenGLNativeWidget). VTK renders into its own framebuffer and blits into
// Qt's framebuffer during paintGL; mouse and keyboard events are forwarded to a VTK interactor.
#include <QOpenGLWidget>
#include <QTimer>
#include <vtkSmartPointer.h>

class vtkGenericOpenGLRenderWindow;
class vtkRenderWindowInteractor;
class vtkGenericRenderWindowInteractor;
class vtkObject;

namespace rfx::ui {

class VtkViewWidget : public QOpenGLWidget {
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
    void initializeGL() override;
    void resizeGL(int w, int h) override;
    void paintGL() override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void wheelEvent(QWheelEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;

private:
    void onWindowEvent(vtkObject* caller, unsigned long event, void* data);
    void forwardMouse(QMouseEvent* e, unsigned long vtkEvent);
    QPoint vtkPosition(const QPointF& p) const;

    vtkSmartPointer<vtkGenericOpenGLRenderWindow> window_;
    vtkSmartPointer<vtkGenericRenderWindowInteractor> interactor_;
    bool inPaint_ = false;
    bool sliceMode_ = false;
    bool picking_ = false;
    QPointF pressAt_{-1000, -1000};  // where the left button went down (click vs. rotate)
    bool renderPending_ = true;
    QTimer* stillTimer_ = nullptr;
};

} // namespace rfx::ui
