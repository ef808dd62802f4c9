#pragma once
// Hosts a vtkGenericOpenGLRenderWindow inside a QOpenGLWidget (Debian's VTK Qt module is Qt 5,
// so we cannot use QVTKOpenGLNativeWidget). VTK renders into its own framebuffer and blits into
// Qt's framebuffer during paintGL; mouse and keyboard events are forwarded to a VTK interactor.
#include <QOpenGLWidget>
#include <vtkSmartPointer.h>

class vtkGenericOpenGLRenderWindow;
class vtkGenericRenderWindowInteractor;
class vtkObject;

namespace rfx::ui {

class VtkViewWidget : public QOpenGLWidget {
    Q_OBJECT
public:
    explicit VtkViewWidget(QWidget* parent = nullptr);
    ~VtkViewWidget() override;

    vtkGenericOpenGLRenderWindow* renderWindow() const;
    // Requests a repaint that re-renders the VTK scene.
    void requestRender();

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

    vtkSmartPointer<vtkGenericOpenGLRenderWindow> window_;
    vtkSmartPointer<vtkGenericRenderWindowInteractor> interactor_;
    bool inPaint_ = false;
    bool renderPending_ = true;
};

} // namespace rfx::ui
