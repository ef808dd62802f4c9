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
    const QStringList args = QApplication::arguments();
    // Files to open, or a saved session (*.json) to restore.
    for (int i = 1; i < args.size(); ++i)
        if (args[i].endsWith(".json", Qt::CaseInsensitive))
            window.loadSession(args[i]);
        else
            window.openFile(args[i]);
    return app.exec();
}
