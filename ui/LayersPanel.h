#pragma once
// The layers panel (as in napari and Fiji): a checkable list of layers (check = visible, the icon
// shows the colour) and, for the selected layer, colour or colour map, opacity, contrast window
// with Auto, gamma, iso level, volume or surface, arrow spacing and length (vector layers),
// uncertainty fading and the opacity transfer-function editor.
// Edits go to the LayerModel; the panel holds no state of its own.
#include <QWidget>
#include <functional>

#include "core/model/Volume.h"

class QListWidget;
class QListWidgetItem;
class QToolButton;
class QComboBox;
class QSlider;
class QDoubleSpinBox;
class QSpinBox;
class QPushButton;
class QLabel;
class QGroupBox;

namespace rfx::ui {

class LayerModel;
class TransferFunctionEditor;

class LayersPanel : public QWidget {
    Q_OBJECT
public:
    // `currentFrame(i)` gives the displayed frame of layer i (for Auto contrast and the histogram).
    LayersPanel(LayerModel* model, std::function<VolumePtr(int)> currentFrame, QWidget* parent = nullptr);

    int currentLayer() const;
    void setCurrentLayer(int i);
    // Refreshes the histogram (after a frame change).
    void refreshHistogram();

private:
    void rebuildList();
    void refreshItem(int i);
    void loadEditor();
    void chooseColor();
    template <class F> void edit(F change);

    LayerModel* model_;
    std::function<VolumePtr(int)> currentFrame_;
    QListWidget* list_;
    QGroupBox* editor_;
    QToolButton* color_;
    QComboBox* colormap_;
    QSlider* opacity_;
    QDoubleSpinBox* low_;
    QDoubleSpinBox* high_;
    QPushButton* auto_;
    QDoubleSpinBox* gamma_;
    QDoubleSpinBox* iso_;
    QComboBox* drawAs_;         // blended volume or iso-surface
    QSpinBox* glyphStride_;         // vector layers: arrow every N grid nodes (0: automatic)
    QDoubleSpinBox* glyphScale_;    // vector layers: µm of arrow per unit (0: automatic)
    QComboBox* fade_;
    QLabel* range_;
    TransferFunctionEditor* tf_;
    QPushButton* resetCurve_;
    bool loading_ = false;
};

} // namespace rfx::ui
