#include "ui/LayersPanel.h"

#include <QColorDialog>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QSlider>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

#include "render/Colormaps.h"
#include "ui/LayerModel.h"
#include "ui/TransferFunctionEditor.h"

namespace rfx::ui {

namespace {

QColor toQColor(const std::array<float, 3>& c) { return QColor::fromRgbF(c[0], c[1], c[2]); }

QColor swatchColor(const render::LayerStyle& s)
{
    if (s.colormap.empty())
        return toQColor(s.color);
    if (s.colormap == "glasbey")
        return toQColor(render::labelColor(3));
    return toQColor(render::colormapColor(s.colormap, 0.8));
}

QIcon swatch(const render::LayerStyle& s)
{
    QPixmap pm(14, 14);
    pm.fill(Qt::transparent);
    QPainter g(&pm);
    g.setPen(QColor(20, 20, 20));
    g.setBrush(swatchColor(s));
    g.drawRect(0, 0, 13, 13);
    return QIcon(pm);
}

// Spin-box decimals suited to the window's magnitude (RI needs 4, fluorescence 2).
int decimalsFor(double span) { return span < 0.5 ? 4 : span < 50 ? 3 : 1; }

} // namespace

LayersPanel::LayersPanel(LayerModel* model, std::function<VolumePtr(int)> currentFrame, QWidget* parent)
    : QWidget(parent), model_(model), currentFrame_(std::move(currentFrame))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    list_ = new QListWidget(this);
    list_->setObjectName("layerList");
    list_->setToolTip(tr("Layers of the open file. Tick to show; select to edit its display."));
    layout->addWidget(list_, 2);

    editor_ = new QGroupBox(tr("Display"), this);
    auto* form = new QFormLayout(editor_);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto* colorRow = new QHBoxLayout;
    color_ = new QToolButton(editor_);
    color_->setObjectName("colorButton");
    color_->setToolTip(tr("Layer colour (single-colour layers)"));
    colormap_ = new QComboBox(editor_);
    colormap_->setObjectName("colormapCombo");
    colormap_->setToolTip(tr("Colour map; 'single colour' uses the colour button"));
    for (const auto& n : render::colormapNames())
        colormap_->addItem(n.empty() ? tr("single colour") : QString::fromStdString(n), QString::fromStdString(n));
    colorRow->addWidget(color_);
    colorRow->addWidget(colormap_, 1);
    form->addRow(tr("Colour"), colorRow);
    opacity_ = new QSlider(Qt::Horizontal, editor_);
    opacity_->setObjectName("opacitySlider");
    opacity_->setRange(0, 100);
    opacity_->setToolTip(tr("Layer opacity"));
    form->addRow(tr("Opacity"), opacity_);
    auto* windowRow = new QHBoxLayout;
    low_ = new QDoubleSpinBox(editor_);
    low_->setObjectName("windowLow");
    low_->setToolTip(tr("Contrast window minimum (data units)"));
    high_ = new QDoubleSpinBox(editor_);
    high_->setObjectName("windowHigh");
    high_->setToolTip(tr("Contrast window maximum (data units)"));
    for (QDoubleSpinBox* b : {low_, high_}) {
        b->setKeyboardTracking(false);
        b->setRange(-1e9, 1e9);
    }
    auto_ = new QPushButton(tr("Auto"), editor_);
    auto_->setObjectName("autoContrast");
    auto_->setToolTip(tr("Contrast from the 0.5th and 99.8th percentiles of the shown frame"));
    windowRow->addWidget(low_, 1);
    windowRow->addWidget(high_, 1);
    windowRow->addWidget(auto_);
    form->addRow(tr("Window"), windowRow);
    range_ = new QLabel(editor_);
    range_->setStyleSheet("color: gray");
    form->addRow(QString(), range_);
    gamma_ = new QDoubleSpinBox(editor_);
    gamma_->setObjectName("gammaSpin");
    gamma_->setRange(0.1, 5.0);
    gamma_->setSingleStep(0.1);
    gamma_->setKeyboardTracking(false);
    gamma_->setToolTip(tr("Gamma: < 1 brightens faint signal, > 1 darkens it"));
    form->addRow(tr("Gamma"), gamma_);
    iso_ = new QDoubleSpinBox(editor_);
    iso_->setObjectName("isoSpin");
    iso_->setRange(-1e9, 1e9);
    iso_->setKeyboardTracking(false);
    iso_->setToolTip(tr("Iso-surface level (iso-surface mode)"));
    form->addRow(tr("Iso level"), iso_);
    drawAs_ = new QComboBox(editor_);
    drawAs_->setObjectName("drawAsCombo");
    drawAs_->addItem(tr("Volume"), false);
    drawAs_->addItem(tr("Surface"), true);
    drawAs_->setToolTip(tr("Volume: blended with the other layers. Surface: an iso-surface at the iso\n"
                           "level in every render mode (a cell mask as the cell's outline)"));
    form->addRow(tr("Draw as"), drawAs_);
    glyphStride_ = new QSpinBox(editor_);
    glyphStride_->setObjectName("glyphStrideSpin");
    glyphStride_->setRange(0, 64);
    glyphStride_->setSpecialValueText(tr("auto"));
    glyphStride_->setToolTip(tr("Vector layers: one arrow every N grid nodes in x, y and z\n"
                                "(auto: at most about 8,000 arrows)"));
    form->addRow(tr("Arrow every"), glyphStride_);
    glyphScale_ = new QDoubleSpinBox(editor_);
    glyphScale_->setObjectName("glyphScaleSpin");
    glyphScale_->setRange(0, 1e9);
    glyphScale_->setDecimals(4);
    glyphScale_->setKeyboardTracking(false);
    glyphScale_->setSpecialValueText(tr("auto"));
    glyphScale_->setToolTip(tr("Vector layers: arrow length in µm per unit of the field\n"
                               "(auto: the window's top value drawn 1.5 arrow spacings long)"));
    form->addRow(tr("Arrow length"), glyphScale_);
    fade_ = new QComboBox(editor_);
    fade_->setObjectName("fadeCombo");
    fade_->setToolTip(tr("Fade this prediction where the chosen uncertainty map is high\n"
                         "(fully faded at the uncertainty layer's window maximum)"));
    form->addRow(tr("Fade by"), fade_);
    tf_ = new TransferFunctionEditor(editor_);
    tf_->setObjectName("tfEditor");
    resetCurve_ = new QPushButton(tr("Reset curve"), editor_);
    resetCurve_->setObjectName("resetCurve");
    resetCurve_->setToolTip(tr("Back to a gamma ramp"));
    form->addRow(tr("Opacity\ncurve"), tf_);
    form->addRow(QString(), resetCurve_);
    layout->addWidget(editor_, 3);

    connect(list_, &QListWidget::currentRowChanged, this, [this] { loadEditor(); });
    connect(list_, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        if (loading_)
            return;
        const int i = list_->row(item);
        const bool on = item->checkState() == Qt::Checked;
        if (i >= 0 && model_->layer(i).style.visible != on)
            model_->setVisible(i, on);
    });
    connect(color_, &QToolButton::clicked, this, [this] { chooseColor(); });
    connect(colormap_, &QComboBox::currentIndexChanged, this,
            [this] { edit([this](render::LayerStyle& s) { s.colormap = colormap_->currentData().toString().toStdString(); }); });
    connect(opacity_, &QSlider::valueChanged, this,
            [this](int v) { edit([v](render::LayerStyle& s) { s.opacity = v / 100.0; }); });
    connect(low_, &QDoubleSpinBox::valueChanged, this,
            [this](double v) { edit([v](render::LayerStyle& s) { s.windowLow = v; }); });
    connect(high_, &QDoubleSpinBox::valueChanged, this,
            [this](double v) { edit([v](render::LayerStyle& s) { s.windowHigh = v; }); });
    connect(gamma_, &QDoubleSpinBox::valueChanged, this,
            [this](double v) { edit([v](render::LayerStyle& s) { s.gamma = v; }); });
    connect(iso_, &QDoubleSpinBox::valueChanged, this,
            [this](double v) { edit([v](render::LayerStyle& s) { s.isoValue = v; }); });
    connect(drawAs_, &QComboBox::currentIndexChanged, this,
            [this] { edit([this](render::LayerStyle& s) { s.surface = drawAs_->currentData().toBool(); }); });
    connect(glyphStride_, &QSpinBox::valueChanged, this,
            [this](int v) { edit([v](render::LayerStyle& s) { s.glyphStride = v; }); });
    connect(glyphScale_, &QDoubleSpinBox::valueChanged, this,
            [this](double v) { edit([v](render::LayerStyle& s) { s.glyphScale = v; }); });
    connect(fade_, &QComboBox::currentIndexChanged, this,
            [this] { edit([this](render::LayerStyle& s) { s.fadeBy = fade_->currentData().toInt(); }); });
    connect(tf_, &TransferFunctionEditor::curveChanged, this, [this](const std::vector<render::CurvePoint>& c) {
        edit([&c](render::LayerStyle& s) { s.opacityCurve = c; });
    });
    connect(resetCurve_, &QPushButton::clicked, this, [this] {
        edit([](render::LayerStyle& s) { s.opacityCurve.clear(); });
        loadEditor();
    });
    connect(auto_, &QPushButton::clicked, this, [this] {
        const int i = currentLayer();
        if (i < 0)
            return;
        if (VolumePtr v = currentFrame_(i))
            model_->autoContrast(i, *v);
        loadEditor();
    });
    connect(model_, &LayerModel::layersReset, this, [this] { rebuildList(); });
    connect(model_, &LayerModel::styleChanged, this, [this](int i) { refreshItem(i); });
    editor_->setEnabled(false);
}

int LayersPanel::currentLayer() const { return list_->currentRow(); }
void LayersPanel::setCurrentLayer(int i) { list_->setCurrentRow(i); }

template <class F> void LayersPanel::edit(F change)
{
    const int i = currentLayer();
    if (loading_ || i < 0)
        return;
    render::LayerStyle s = model_->layer(i).style;
    change(s);
    model_->setStyle(i, s);
}

void LayersPanel::rebuildList()
{
    loading_ = true;
    const int keep = list_->currentRow();
    list_->clear();
    for (int i = 0; i < model_->count(); ++i) {
        const Layer& l = model_->layer(i);
        auto* item = new QListWidgetItem(list_);
        item->setText(l.name);
        item->setToolTip(QString::fromStdString(channelRoleName(l.role)) +
                         (l.renderable ? QString() : tr(" (not drawable: neither scalar nor a 3D vector field)")));
        item->setFlags(l.renderable ? (Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable)
                                    : (Qt::ItemIsEnabled | Qt::ItemIsSelectable));
        item->setCheckState(l.style.visible ? Qt::Checked : Qt::Unchecked);
        item->setIcon(swatch(l.style));
    }
    loading_ = false;
    if (model_->count() > 0)
        list_->setCurrentRow(keep >= 0 && keep < model_->count() ? keep : 0);
    loadEditor();
}

void LayersPanel::refreshItem(int i)
{
    if (i < 0 || i >= list_->count())
        return;
    loading_ = true;
    const Layer& l = model_->layer(i);
    QListWidgetItem* item = list_->item(i);
    item->setCheckState(l.style.visible ? Qt::Checked : Qt::Unchecked);
    item->setIcon(swatch(l.style));
    loading_ = false;
    if (i == currentLayer())
        loadEditor();
}

void LayersPanel::refreshHistogram()
{
    const int i = currentLayer();
    if (i < 0)
        return;
    const Layer& l = model_->layer(i);
    std::vector<double> counts(128, 0.0);
    if (VolumePtr v = l.renderable ? currentFrame_(i) : nullptr) {
        const double lo = l.style.windowLow, hi = l.style.windowHigh;
        // ~250,000 evenly spread samples shape 128 bins well and keep frame steps quick.
        const std::size_t stride = std::max<std::size_t>(1, v->values() / 250'000);
        auto add = [&](double value) {
            const double x = (value - lo) / (hi - lo);
            if (x >= 0 && x <= 1)
                counts[std::min<std::size_t>(127, static_cast<std::size_t>(x * 128))] += 1;
        };
        if (v->type() == VoxelType::Float32) {
            const float* d = v->data<float>();
            for (std::size_t k = 0; k < v->values(); k += stride)
                add(d[k]);
        } else {
            for (std::size_t k = 0; k < v->values(); k += stride)
                add(v->valueAt(k));
        }
    }
    tf_->setHistogram(counts);
}

void LayersPanel::loadEditor()
{
    const int i = currentLayer();
    editor_->setEnabled(i >= 0 && model_->layer(i).renderable);
    if (i < 0)
        return;
    loading_ = true;
    const Layer& l = model_->layer(i);
    const render::LayerStyle& s = l.style;
    color_->setIcon(swatch(s));
    color_->setEnabled(s.colormap.empty());
    colormap_->setCurrentIndex(std::max(0, colormap_->findData(QString::fromStdString(s.colormap))));
    opacity_->setValue(static_cast<int>(std::lround(s.opacity * 100)));
    const double span = std::max(l.dataRange[1] - l.dataRange[0], s.windowHigh - s.windowLow);
    const int dec = decimalsFor(span);
    for (QDoubleSpinBox* b : {low_, high_, iso_}) {
        b->setDecimals(dec);
        b->setSingleStep(std::pow(10.0, std::floor(std::log10(std::max(span, 1e-9)))) / 20.0);
    }
    low_->setValue(s.windowLow);
    high_->setValue(s.windowHigh);
    iso_->setValue(std::isfinite(s.isoValue) ? s.isoValue : 0.5 * (s.windowLow + s.windowHigh));
    gamma_->setValue(s.gamma);
    const bool vectors = l.role == ChannelRole::VectorField;
    drawAs_->setCurrentIndex(s.surface ? 1 : 0);
    drawAs_->setEnabled(!vectors);
    glyphStride_->setValue(s.glyphStride);
    glyphScale_->setValue(s.glyphScale);
    glyphStride_->setEnabled(vectors);
    glyphScale_->setEnabled(vectors);
    range_->setText(tr("data %1 … %2").arg(l.dataRange[0], 0, 'g', 5).arg(l.dataRange[1], 0, 'g', 5));
    fade_->clear();
    fade_->addItem(tr("none"), -1);
    for (int u : model_->uncertaintyFor(i))
        fade_->addItem(model_->layer(u).name, u);
    fade_->setCurrentIndex(std::max(0, fade_->findData(s.fadeBy)));
    fade_->setEnabled(fade_->count() > 1);
    std::vector<render::CurvePoint> curve = s.opacityCurve;
    if (curve.empty())
        for (int k = 0; k <= 4; ++k)
            curve.push_back({k / 4.0, render::curveOpacity(s, k / 4.0)});
    tf_->setCurve(curve);
    loading_ = false;
    refreshHistogram();
}

void LayersPanel::chooseColor()
{
    const int i = currentLayer();
    if (i < 0)
        return;
    const QColor c = QColorDialog::getColor(toQColor(model_->layer(i).style.color), this, tr("Layer colour"));
    if (!c.isValid())
        return;
    edit([&c](render::LayerStyle& s) {
        s.color = {float(c.redF()), float(c.greenF()), float(c.blueF())};
        s.colormap.clear();
    });
}

} // namespace rfx::ui
