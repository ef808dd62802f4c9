// refractome: the desktop application. Wiring only: surface format, application, main window.
#include <QApplication>
#include <QSurfaceFormat>

#include "ui/MainWindow.h"
#ifdef REFRACTOME_HAVE_TORCH
#include "core/torch/TorchBackend.h"
#endif

int main(int argc, char** argv)
{
    // Must precede QApplication: VTK needs a 3.2 core profile with a depth buffer.
    QSurfaceFormat format;
    format.setVersion(3, 2);
    format.setProfile(QSurfaceFormat::CoreProfile);
    format.setDepthBufferSize(24);
    format.setStencilBufferSize(8);
    format.setSamples(0);
    QSurfaceFormat::setDefaultFormat(format);

    QApplication app(argc, argv);
    QApplication::setApplicationName("Refractome");
    QApplication::setOrganizationName("Refractome");
#ifdef REFRACTOME_HAVE_TORCH
    rfx::torchbackend::install();
#endif
    rfx::ui::MainWindow window;
    window.show();
    // Files to open (each in its own window), or saved sessions (*.json) to restore.
    window.openFiles(QApplication::arguments().mid(1));
    return app.exec();
}
