#include "render/SliceScene.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkImageActor.h>
#include <vtkImageData.h>
#include <vtkImageMapper3D.h>
#include <vtkImageProperty.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>

#include "render/RenderLock.h"

namespace rfx::render {

namespace {
// Plane axes as core grid axes (z = 0, y = 1, x = 2): u (horizontal), v (vertical), across.
struct PlaneAxes {
    int u, v, across;
};
PlaneAxes planeAxes(SliceAxis a)
{
    switch (a) {
    case SliceAxis::XZ: return {2, 0, 1};
    case SliceAxis::YZ: return {1, 0, 2};
    default: return {2, 1, 0};
    }
}
// Physical (x, y, z) index of a core grid axis.
int physical(int coreAxis) { return 2 - coreAxis; }
const char* axisName(SliceAxis a) { return a == SliceAxis::XY ? "XY" : a == SliceAxis::XZ ? "XZ" : "YZ"; }
const char* acrossName(SliceAxis a) { return a == SliceAxis::XY ? "z" : a == SliceAxis::XZ ? "y" : "x"; }
} // namespace

SliceScene::SliceScene(vtkRenderWindow* window, SliceAxis axis) : window_(window), axis_(axis)
{
    renderer_ = vtkSmartPointer<vtkRenderer>::New();
    renderer_->SetBackground(0.0, 0.0, 0.0);
    renderer_->SetBackgroundAlpha(1.0);
    renderer_->GetActiveCamera()->ParallelProjectionOn();
    window_->AddRenderer(renderer_);
    image_ = vtkSmartPointer<vtkImageActor>::New();
    image_->InterpolateOff();  // voxels stay voxels
    image_->VisibilityOff();
    renderer_->AddActor(image_);
    lines_ = vtkSmartPointer<vtkActor>::New();
    lines_->GetProperty()->SetColor(1.0, 0.85, 0.1);
    lines_->GetProperty()->SetOpacity(0.7);
    lines_->GetProperty()->LightingOff();
    lines_->VisibilityOff();
    renderer_->AddActor(lines_);
    label_ = vtkSmartPointer<vtkTextActor>::New();
    label_->GetTextProperty()->SetFontSize(13);
    label_->GetTextProperty()->SetColor(0.9, 0.9, 0.9);
    label_->GetTextProperty()->SetVerticalJustificationToTop();
    label_->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
    label_->GetPositionCoordinate()->SetValue(0.02, 0.97);
    label_->SetInput(axisName(axis));
    renderer_->AddActor2D(label_);
}

SliceScene::~SliceScene()
{
    if (window_ && renderer_)
        window_->RemoveRenderer(renderer_);
}

std::array<double, 2> SliceScene::toPlane(const std::array<double, 3>& p) const
{
    const PlaneAxes a = planeAxes(axis_);
    return {p[physical(a.u)], p[physical(a.v)]};
}

std::size_t SliceScene::indexFor(const std::array<double, 3>& p) const
{
    const int across = planeAxes(axis_).across;
    const double i = (p[physical(across)] - grid_.origin_um[across]) / grid_.spacing_um[across];
    return static_cast<std::size_t>(std::clamp<long>(std::lround(i), 0, long(grid_.shape[across]) - 1));
}

void SliceScene::show(const ChannelCompositor& compositor, const std::array<double, 3>& crosshair)
{
    grid_ = compositor.grid();
    crosshair_ = crosshair;
    index_ = indexFor(crosshair);
    image_->SetInputData(compositor.slice(axis_, index_));
    image_->VisibilityOn();
    const PlaneAxes a = planeAxes(axis_);
    const bool first = !hasImage_;
    hasImage_ = true;
    planeBounds_ = {grid_.origin_um[a.u], grid_.origin_um[a.u] + double(grid_.shape[a.u] - 1) * grid_.spacing_um[a.u],
                    grid_.origin_um[a.v], grid_.origin_um[a.v] + double(grid_.shape[a.v] - 1) * grid_.spacing_um[a.v]};
    updateLines();
    if (first)
        resetCamera();
}

void SliceScene::clear()
{
    hasImage_ = false;
    image_->VisibilityOff();
    lines_->VisibilityOff();
}

void SliceScene::setCrosshair(const std::array<double, 3>& crosshair)
{
    crosshair_ = crosshair;
    updateLines();
}

void SliceScene::updateLines()
{
    if (!hasImage_)
        return;
    const auto uv = toPlane(crosshair_);
    const auto& b = planeBounds_;
    auto points = vtkSmartPointer<vtkPoints>::New();
    // Slightly in front of the image (camera looks along -z or +z; 0.01 either way is "on top").
    const double zTop = axis_ == SliceAxis::XY ? -0.01 : 0.01;
    points->InsertNextPoint(b[0], uv[1], zTop);
    points->InsertNextPoint(b[1], uv[1], zTop);
    points->InsertNextPoint(uv[0], b[2], zTop);
    points->InsertNextPoint(uv[0], b[3], zTop);
    auto cells = vtkSmartPointer<vtkCellArray>::New();
    const vtkIdType l0[2] = {0, 1}, l1[2] = {2, 3};
    cells->InsertNextCell(2, l0);
    cells->InsertNextCell(2, l1);
    auto poly = vtkSmartPointer<vtkPolyData>::New();
    poly->SetPoints(points);
    poly->SetLines(cells);
    auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    mapper->SetInputData(poly);
    lines_->SetMapper(mapper);
    lines_->VisibilityOn();
    const int across = planeAxes(axis_).across;
    std::ostringstream text;
    text.precision(3);
    text << axisName(axis_) << "  " << acrossName(axis_) << " = " << crosshair_[physical(across)] << " \xC2\xB5m ("
         << index_ + 1 << "/" << grid_.shape[across] << ")";
    label_->SetInput(text.str().c_str());
}

bool SliceScene::pick(int displayX, int displayY, std::array<double, 3>& xyz) const
{
    if (!hasImage_)
        return false;
    renderer_->SetDisplayPoint(displayX, displayY, 0);
    renderer_->DisplayToWorld();
    double w[4];
    renderer_->GetWorldPoint(w);
    if (w[3] != 0)
        for (int i = 0; i < 3; ++i)
            w[i] /= w[3];
    const auto& b = planeBounds_;
    const double tolU = 0.5 * (b[1] - b[0]) / std::max<std::size_t>(1, grid_.shape[planeAxes(axis_).u]);
    const double tolV = 0.5 * (b[3] - b[2]) / std::max<std::size_t>(1, grid_.shape[planeAxes(axis_).v]);
    if (w[0] < b[0] - tolU || w[0] > b[1] + tolU || w[1] < b[2] - tolV || w[1] > b[3] + tolV)
        return false;
    const PlaneAxes a = planeAxes(axis_);
    xyz = crosshair_;
    xyz[physical(a.u)] = std::clamp(w[0], b[0], b[1]);
    xyz[physical(a.v)] = std::clamp(w[1], b[2], b[3]);
    return true;
}

void SliceScene::resetCamera()
{
    vtkCamera* cam = renderer_->GetActiveCamera();
    const double cu = 0.5 * (planeBounds_[0] + planeBounds_[1]), cv = 0.5 * (planeBounds_[2] + planeBounds_[3]);
    cam->SetFocalPoint(cu, cv, 0);
    if (axis_ == SliceAxis::XY) {
        // Image convention: y grows down the screen (as in Fiji and napari).
        cam->SetPosition(cu, cv, -100);
        cam->SetViewUp(0, -1, 0);
    } else {
        // Side views: z (depth) up.
        cam->SetPosition(cu, cv, 100);
        cam->SetViewUp(0, 1, 0);
    }
    const double halfU = 0.5 * (planeBounds_[1] - planeBounds_[0]), halfV = 0.5 * (planeBounds_[3] - planeBounds_[2]);
    int* size = window_->GetSize();
    double aspect = 1.0;
    if (size && size[1] > 0) {
        double vp[4];
        renderer_->GetViewport(vp);
        aspect = (vp[2] - vp[0]) * size[0] / std::max(1.0, (vp[3] - vp[1]) * size[1]);
    }
    cam->SetParallelScale(1.08 * std::max(halfV, halfU / std::max(aspect, 1e-3)) + 1e-6);
    const RenderGuard turn;  // the clipping range measures text labels' bounds
    renderer_->ResetCameraClippingRange();
}

void SliceScene::render()
{
    const RenderGuard turn;
    window_->Render();
}
vtkRenderer* SliceScene::renderer() const { return renderer_.Get(); }

} // namespace rfx::render
