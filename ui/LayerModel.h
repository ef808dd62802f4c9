#pragma once
// The display model of the layers panel: one layer per scalar channel of the open dataset, each
// with its own display style (visibility, colour, opacity, contrast window, gamma, opacity curve,
// uncertainty fading). Starts from the channels' DisplayHints; the data stays in the Dataset.
#include <QObject>
#include <QString>
#include <vector>

#include "core/model/Dataset.h"
#include "render/LayerStyle.h"

namespace rfx::ui {

struct Layer {
    std::size_t channel = 0;  // index in the dataset
    QString name;
    ChannelRole role = ChannelRole::Other;
    QString derivedFrom;
    bool renderable = true;   // scalar channels; vector fields are listed but not volume-rendered
    std::array<double, 2> dataRange{0, 1};  // of the frame the defaults were taken from
    render::LayerStyle style;
};

class LayerModel : public QObject {
    Q_OBJECT
public:
    explicit LayerModel(QObject* parent = nullptr);

    // Rebuilds all layers from the dataset's channels (defaults from `frame`).
    void reset(const DatasetPtr& dataset, std::size_t frame);
    // Adds layers for channels [firstChannel, channelCount) of a dataset that extends the current
    // one (after a prediction); existing layers keep their styles.
    void appendChannels(const DatasetPtr& dataset, std::size_t firstChannel, std::size_t frame);
    // The same with layers made beforehand (by a job's worker: auto contrast reads every voxel).
    void appendLayers(std::vector<Layer> layers);
    // A channel's layer with default style and auto contrast from `frame`; any thread.
    static Layer makeLayer(const Dataset& ds, std::size_t c, std::size_t frame);
    void clear();

    int count() const { return static_cast<int>(layers_.size()); }
    const Layer& layer(int i) const { return layers_.at(static_cast<std::size_t>(i)); }
    int indexOf(const QString& name) const;
    // Uncertainty maps belonging to layer i (e.g. nucleus_data_std for nucleus).
    std::vector<int> uncertaintyFor(int i) const;

    void setStyle(int i, const render::LayerStyle& style);
    void setVisible(int i, bool visible);
    // Sets the window from robust percentiles of `volume`.
    void autoContrast(int i, const Volume& volume);

Q_SIGNALS:
    void layersReset();
    void styleChanged(int index);

private:
    std::vector<Layer> layers_;
};

} // namespace rfx::ui
