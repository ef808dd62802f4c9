#include "ui/LayerModel.h"

#include <algorithm>

namespace rfx::ui {

LayerModel::LayerModel(QObject* parent) : QObject(parent) {}

Layer LayerModel::makeLayer(const Dataset& ds, std::size_t c, std::size_t frame)
{
    const ChannelInfo& ch = ds.channel(c);
    Layer l;
    l.channel = c;
    l.name = QString::fromStdString(ch.name);
    l.role = ch.role;
    l.derivedFrom = QString::fromStdString(ch.derivedFrom);
    l.renderable = ch.components == 1 || ch.components == 3;  // vector fields: arrows in 3D
    VolumePtr sample;
    if (l.renderable && ch.frames() > 0) {
        try {
            sample = ds.frame(c, std::min(frame, ch.frames() - 1));
        } catch (const std::exception&) {
            // Unreadable frame: defaults without auto contrast; the view reports the error.
        }
    }
    l.style = render::defaultStyleFor(ch, sample.get());
    if (sample) {
        auto r = sample->range();
        l.dataRange = {r.first, r.second > r.first ? r.second : r.first + 1};
    } else {
        l.dataRange = {l.style.windowLow, l.style.windowHigh};
    }
    if (!l.renderable)
        l.style.visible = false;
    return l;
}

void LayerModel::reset(const DatasetPtr& dataset, std::size_t frame)
{
    layers_.clear();
    if (dataset)
        for (std::size_t c = 0; c < dataset->channelCount(); ++c)
            layers_.push_back(makeLayer(*dataset, c, frame));
    Q_EMIT layersReset();
}

void LayerModel::appendChannels(const DatasetPtr& dataset, std::size_t firstChannel, std::size_t frame)
{
    for (std::size_t c = firstChannel; c < dataset->channelCount(); ++c)
        layers_.push_back(makeLayer(*dataset, c, frame));
    Q_EMIT layersReset();
}

void LayerModel::appendLayers(std::vector<Layer> layers)
{
    for (auto& l : layers)
        layers_.push_back(std::move(l));
    Q_EMIT layersReset();
}

void LayerModel::clear()
{
    layers_.clear();
    Q_EMIT layersReset();
}

int LayerModel::indexOf(const QString& name) const
{
    for (std::size_t i = 0; i < layers_.size(); ++i)
        if (layers_[i].name == name)
            return static_cast<int>(i);
    return -1;
}

std::vector<int> LayerModel::uncertaintyFor(int i) const
{
    std::vector<int> out;
    const QString& name = layer(i).name;
    for (std::size_t j = 0; j < layers_.size(); ++j) {
        const Layer& u = layers_[j];
        if (u.role != ChannelRole::Uncertainty || int(j) == i)
            continue;
        if (u.derivedFrom == name || u.name.startsWith(name + "_"))
            out.push_back(static_cast<int>(j));
    }
    return out;
}

void LayerModel::setStyle(int i, const render::LayerStyle& style)
{
    auto& l = layers_.at(static_cast<std::size_t>(i));
    l.style = style;
    if (!l.renderable)
        l.style.visible = false;
    std::sort(l.style.opacityCurve.begin(), l.style.opacityCurve.end(),
              [](const render::CurvePoint& a, const render::CurvePoint& b) { return a.x < b.x; });
    Q_EMIT styleChanged(i);
}

void LayerModel::setVisible(int i, bool visible)
{
    auto s = layer(i).style;
    s.visible = visible;
    setStyle(i, s);
}

void LayerModel::autoContrast(int i, const Volume& volume)
{
    auto s = layer(i).style;
    const auto w = render::percentileWindow(volume);
    s.windowLow = layer(i).role == ChannelRole::RefractiveIndex ? w[0] : std::max(0.0, volume.range().first);
    s.windowHigh = w[1];
    setStyle(i, s);
}

} // namespace rfx::ui
