#pragma once
// Session files (JSON): the open file, every layer's display settings, render mode, frame,
// crosshair, camera, the window layout and the profiling panel's table and choices, so a figure
// can be re-made exactly. Layers are matched by name when restored; unknown names are ignored.
#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <array>
#include <map>
#include <optional>

#include "render/LayerStyle.h"
#include "render/VolumeScene.h"

namespace rfx::ui {

struct Session {
    QString file;
    int frame = 0;
    render::RenderMode mode = render::RenderMode::Composite;
    double fps = 4;
    bool slicesVisible = true;
    std::optional<std::array<double, 3>> crosshair;
    std::optional<render::CameraState> camera;
    std::map<QString, render::LayerStyle> layers;
    QByteArray windowState;     // QMainWindow::saveState
    QByteArray windowGeometry;  // QWidget::saveGeometry
    QJsonObject profiling;      // the profiling panel's choices (ProfilingPanel::state)

    QJsonObject toJson() const;
    // Throws std::runtime_error naming the problem for malformed JSON.
    static Session fromJson(const QJsonObject& json);
    void save(const QString& path) const;      // atomically; throws on failure
    static Session load(const QString& path);  // throws on failure
};

QJsonObject styleToJson(const render::LayerStyle& style);
render::LayerStyle styleFromJson(const QJsonObject& json);

} // namespace rfx::ui
