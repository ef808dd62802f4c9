#include "ui/Session.h"

#include <algorithm>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <cmath>
#include <stdexcept>

namespace rfx::ui {

namespace {

QJsonArray array3(const std::array<double, 3>& a) { return {a[0], a[1], a[2]}; }
std::array<double, 3> fromArray3(const QJsonValue& v)
{
    const QJsonArray a = v.toArray();
    if (a.size() != 3)
        throw std::runtime_error("expected an array of 3 numbers");
    return {a[0].toDouble(), a[1].toDouble(), a[2].toDouble()};
}
const char* modeName(render::RenderMode m)
{
    return m == render::RenderMode::MaximumIntensity ? "mip" : m == render::RenderMode::IsoSurface ? "iso" : "volume";
}

} // namespace

QJsonObject styleToJson(const render::LayerStyle& s)
{
    QJsonObject o;
    o["visible"] = s.visible;
    o["color"] = QJsonArray{s.color[0], s.color[1], s.color[2]};
    o["colormap"] = QString::fromStdString(s.colormap);
    o["opacity"] = s.opacity;
    o["window"] = QJsonArray{s.windowLow, s.windowHigh};
    o["gamma"] = s.gamma;
    if (std::isfinite(s.isoValue))
        o["iso"] = s.isoValue;
    QJsonArray curve;
    for (const auto& p : s.opacityCurve)
        curve.append(QJsonArray{p.x, p.opacity});
    o["opacity_curve"] = curve;
    o["fade_by"] = s.fadeBy;
    if (s.fadeHigh > 0)
        o["fade_high"] = s.fadeHigh;
    o["surface"] = s.surface;
    o["glyph_stride"] = s.glyphStride;
    o["glyph_scale"] = s.glyphScale;
    return o;
}

render::LayerStyle styleFromJson(const QJsonObject& o)
{
    render::LayerStyle s;
    s.visible = o["visible"].toBool(true);
    const QJsonArray c = o["color"].toArray();
    if (c.size() == 3)
        s.color = {float(c[0].toDouble()), float(c[1].toDouble()), float(c[2].toDouble())};
    s.colormap = o["colormap"].toString().toStdString();
    s.opacity = o["opacity"].toDouble(1.0);
    const QJsonArray w = o["window"].toArray();
    if (w.size() == 2) {
        s.windowLow = w[0].toDouble();
        s.windowHigh = w[1].toDouble();
    }
    s.gamma = o["gamma"].toDouble(1.0);
    if (o.contains("iso"))
        s.isoValue = o["iso"].toDouble();
    for (const auto& p : o["opacity_curve"].toArray()) {
        const QJsonArray xy = p.toArray();
        if (xy.size() == 2)
            s.opacityCurve.push_back({xy[0].toDouble(), xy[1].toDouble()});
    }
    s.fadeBy = o["fade_by"].toInt(-1);
    s.fadeHigh = o["fade_high"].toDouble(0.0);
    s.surface = o["surface"].toBool(false);
    s.glyphStride = std::max(0, o["glyph_stride"].toInt(0));
    s.glyphScale = std::max(0.0, o["glyph_scale"].toDouble(0.0));
    return s;
}

QJsonObject Session::toJson() const
{
    QJsonObject o;
    o["format"] = "refractome-session";
    o["version"] = 1;
    o["file"] = file;
    o["frame"] = frame;
    o["mode"] = modeName(mode);
    o["fps"] = fps;
    o["slices_visible"] = slicesVisible;
    if (crosshair)
        o["crosshair_um"] = array3(*crosshair);
    if (camera) {
        QJsonObject cam;
        cam["position"] = array3(camera->position);
        cam["focal_point"] = array3(camera->focalPoint);
        cam["view_up"] = array3(camera->viewUp);
        cam["view_angle"] = camera->viewAngle;
        o["camera"] = cam;
    }
    QJsonObject layerObj;
    for (const auto& [name, style] : layers)
        layerObj[name] = styleToJson(style);
    o["layers"] = layerObj;
    o["window_state"] = QString::fromLatin1(windowState.toBase64());
    o["window_geometry"] = QString::fromLatin1(windowGeometry.toBase64());
    if (!profiling.isEmpty())
        o["profiling"] = profiling;
    return o;
}

Session Session::fromJson(const QJsonObject& o)
{
    if (o["format"].toString() != "refractome-session")
        throw std::runtime_error("not a Refractome session file");
    Session s;
    s.file = o["file"].toString();
    s.frame = o["frame"].toInt(0);
    const QString mode = o["mode"].toString("volume");
    s.mode = mode == "mip" ? render::RenderMode::MaximumIntensity
           : mode == "iso" ? render::RenderMode::IsoSurface
                           : render::RenderMode::Composite;
    s.fps = o["fps"].toDouble(4);
    s.slicesVisible = o["slices_visible"].toBool(true);
    if (o.contains("crosshair_um"))
        s.crosshair = fromArray3(o["crosshair_um"]);
    if (o.contains("camera")) {
        const QJsonObject cam = o["camera"].toObject();
        render::CameraState c;
        c.position = fromArray3(cam["position"]);
        c.focalPoint = fromArray3(cam["focal_point"]);
        c.viewUp = fromArray3(cam["view_up"]);
        c.viewAngle = cam["view_angle"].toDouble(30);
        s.camera = c;
    }
    const QJsonObject layerObj = o["layers"].toObject();
    for (auto it = layerObj.begin(); it != layerObj.end(); ++it)
        s.layers[it.key()] = styleFromJson(it.value().toObject());
    s.windowState = QByteArray::fromBase64(o["window_state"].toString().toLatin1());
    s.windowGeometry = QByteArray::fromBase64(o["window_geometry"].toString().toLatin1());
    s.profiling = o["profiling"].toObject();
    return s;
}

void Session::save(const QString& path) const
{
    QSaveFile f(path);  // temporary + rename: never a half-written session
    if (!f.open(QIODevice::WriteOnly))
        throw std::runtime_error(path.toStdString() + ": cannot write (" + f.errorString().toStdString() + ")");
    f.write(QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
    if (!f.commit())
        throw std::runtime_error(path.toStdString() + ": cannot write (" + f.errorString().toStdString() + ")");
}

Session Session::load(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error(path.toStdString() + ": cannot read (" + f.errorString().toStdString() + ")");
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &err);
    if (doc.isNull() || !doc.isObject())
        throw std::runtime_error(path.toStdString() + ": not JSON (" + err.errorString().toStdString() + ")");
    try {
        return fromJson(doc.object());
    } catch (const std::exception& e) {
        throw std::runtime_error(path.toStdString() + ": " + e.what());
    }
}

} // namespace rfx::ui
