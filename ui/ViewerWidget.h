#pragma once
// The viewing area: the 3D view and the three orthogonal slice views (XY, XZ, YZ) in a 2 x 2
// grid, linked by one crosshair. Clicking or dragging in a slice view moves the crosshair; the
// other slices and the 3D cursor follow. Holds the scenes, not the data.
#include <QWidget>

#include <array>
#include <memory>
#include <vector>

#include <vtkSmartPointer.h>

#include "render/SceneLayer.h"
#include "render/VolumeScene.h"

class vtkBoxWidget2;

namespace rfx::render {
class SliceScene;
class ChannelCompositor;
}

namespace rfx::ui {

class VtkViewWidget;

class ViewerWidget : public QWidget {
    Q_OBJECT
public:
    explicit ViewerWidget(QWidget* parent = nullptr);
    ~ViewerWidget() override;

    // New content (layer edits, frame changes): rebuilds the 3D blend and the slices.
    void setLayers(const std::vector<render::SceneLayer>& layers);
    void setMode(render::RenderMode mode);
    // Preview: the 3D blend at half resolution in x and y (frame changes during playback); the
    // slice views stay at full resolution (they are cheap).
    void setPreview(bool on);
    // Quick changes (frame steps, slider drags): the 3D view renders at the interactive level of
    // detail, then at full quality once the changes stop.
    void setQuickRender(bool on) { quickRender_ = on; }
    // An interactive clipping box (VTK box widget) around the data in the 3D view; dragging its
    // faces clips the volume, surfaces and arrows. Off removes the clipping.
    void setClippingBoxVisible(bool on);
    bool clippingBoxVisible() const;
    void onClipBoxMoved();
    bool previewing() const;
    void setTimeText(const QString& text);
    void setSlicesVisible(bool on);
    bool slicesVisible() const;
    void setCrosshair(const std::array<double, 3>& xyz);
    std::array<double, 3> crosshair() const { return crosshair_; }
    void resetViews();

    VtkViewWidget* view3D() const { return view3d_; }
    VtkViewWidget* sliceView(int axis) const { return slices_[static_cast<std::size_t>(axis)]; }
    render::VolumeScene* scene() const { return scene_.get(); }
    const std::vector<render::SceneLayer>& layers() const { return layers_; }

Q_SIGNALS:
    void crosshairChanged(const std::array<double, 3>& xyz);
    // A click in the 3D view: the line of sight under the mouse, near to far, in µm (x, y, z).
    void viewRayPicked(const std::array<double, 3>& nearPoint, const std::array<double, 3>& farPoint);

private:
    void updateSlices();
    void requestAll();

    VtkViewWidget* view3d_;
    std::array<VtkViewWidget*, 3> slices_{};
    std::unique_ptr<render::VolumeScene> scene_;
    std::array<std::unique_ptr<render::SliceScene>, 3> sliceScenes_;
    std::shared_ptr<render::ChannelCompositor> compositor_;
    vtkSmartPointer<vtkBoxWidget2> clipWidget_;
    std::vector<render::SceneLayer> layers_;
    std::array<double, 3> crosshair_{};
    bool hasCrosshair_ = false;
    bool quickRender_ = false;
};

} // namespace rfx::ui
