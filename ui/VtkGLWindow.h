#pragma once
// The native OpenGL surface of a VtkViewWidget. A QOpenGLWindow inside a window container draws
// straight to its own X window; a QOpenGLWidget would instead make Qt compose the whole main
// window through OpenGL on every repaint of any widget (about 100 ms per status-bar update on
// software OpenGL). This class only draws and hands its input events to its owner widget.
#include <QOpenGLWindow>
#include <QPoint>

class QTimer;

namespace rfx::ui {

class VtkViewWidget;

class VtkGLWindow : public QOpenGLWindow {
    Q_OBJECT
public:
    explicit VtkGLWindow(VtkViewWidget* owner);

protected:
    void initializeGL() override;
    void resizeGL(int w, int h) override;
    void paintGL() override;
    // Mouse, wheel and key events go to the owner widget, which interprets them (the same
    // handlers serve events sent to the widget directly, as Qt Test does). Moves without a button
    // only show the owner's tooltip after a pause: Qt makes no tooltip events for a native child
    // window, and hovering must not render.
    bool event(QEvent* e) override;

private:
    VtkViewWidget* owner_;
    QTimer* tooltipTimer_;
    QPoint hoverAt_;  // global position of the last hover move
};

} // namespace rfx::ui
