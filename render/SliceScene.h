#pragma once
// One orthogonal slice view (XY, XZ or YZ) of the blended layers, with the crosshair drawn as
// two lines. The slice image lies in this renderer's own x-y plane; this class maps between its
// plane coordinates and physical (x, y, z) µm, so clicks set the shared crosshair.
#include <array>
#include <memory>
#include <string>

#include <vtkSmartPointer.h>

#include "render/ChannelCompositor.h"

class vtkRenderWindow;
class vtkRenderer;
class vtkImageActor;
class vtkActor;
class vtkTextActor;

namespace rfx::render {

class SliceScene {
public:
    SliceScene(vtkRenderWindow* window, SliceAxis axis);
    ~SliceScene();

    SliceAxis axis() const { return axis_; }
    // Shows the plane through `crosshair` (µm, x-y-z) of the compositor's blend.
    void show(const ChannelCompositor& compositor, const std::array<double, 3>& crosshair);
    void clear();
    void setCrosshair(const std::array<double, 3>& crosshair);
    // Display pixel (VTK convention, origin bottom-left) -> physical point; the coordinate across
    // the plane is the current crosshair's. False outside the image.
    bool pick(int displayX, int displayY, std::array<double, 3>& xyz) const;
    void resetCamera();
    void render();
    vtkRenderer* renderer() const;
    // Voxel index of the shown plane along the axis across it.
    std::size_t sliceIndex() const { return index_; }

private:
    // (x, y, z) µm -> (u, v) in the plane, and the across-plane coordinate.
    std::array<double, 2> toPlane(const std::array<double, 3>& p) const;
    std::size_t indexFor(const std::array<double, 3>& p) const;
    void updateLines();

    vtkRenderWindow* window_;
    SliceAxis axis_;
    vtkSmartPointer<vtkRenderer> renderer_;
    vtkSmartPointer<vtkImageActor> image_;
    vtkSmartPointer<vtkActor> lines_;
    vtkSmartPointer<vtkTextActor> label_;
    Grid grid_;
    bool hasImage_ = false;
    std::array<double, 3> crosshair_{};
    std::size_t index_ = 0;
    std::array<double, 4> planeBounds_{};  // umin, umax, vmin, vmax
};

} // namespace rfx::render
