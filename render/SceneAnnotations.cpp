#include "render/SceneAnnotations.h"

#include <cmath>
#include <sstream>

#include <vtkActor.h>
#include <vtkAxesActor.h>
#include <vtkBillboardTextActor3D.h>
#include <vtkCallbackCommand.h>
#include <vtkCamera.h>
#include <vtkCaptionActor2D.h>
#include <vtkCubeSource.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>

#include "render/RenderLock.h"

namespace rfx::render {

double niceLength(double target)
{
    if (!(target > 0))
        return 1.0;
    const double p = std::pow(10.0, std::floor(std::log10(target)));
    for (double m : {5.0, 2.0, 1.0})
        if (m * p <= target)
            return m * p;
    return p;
}

namespace {
void onMainStart(vtkObject*, unsigned long, void* client, void*)
{
    static_cast<SceneAnnotations*>(client)->syncAxesCamera();
}
} // namespace

SceneAnnotations::SceneAnnotations(vtkRenderWindow* window, vtkRenderer* main) : window_(window), main_(main)
{
    // Axes live on a second layer in the lower-left corner, drawn over the main scene.
    if (window_->GetNumberOfLayers() < 2)
        window_->SetNumberOfLayers(2);
    axesRenderer_ = vtkSmartPointer<vtkRenderer>::New();
    axesRenderer_->SetLayer(1);
    axesRenderer_->SetViewport(0.0, 0.0, 0.16, 0.16);
    axesRenderer_->InteractiveOff();
    axes_ = vtkSmartPointer<vtkAxesActor>::New();
    axes_->SetShaftTypeToCylinder();
    axes_->SetTotalLength(1, 1, 1);
    for (vtkCaptionActor2D* c : {axes_->GetXAxisCaptionActor2D(), axes_->GetYAxisCaptionActor2D(),
                                 axes_->GetZAxisCaptionActor2D()}) {
        c->GetCaptionTextProperty()->SetFontSize(14);
        c->GetCaptionTextProperty()->ShadowOff();
        c->GetCaptionTextProperty()->ItalicOff();
    }
    axesRenderer_->AddActor(axes_);
    window_->AddRenderer(axesRenderer_);
    auto cb = vtkSmartPointer<vtkCallbackCommand>::New();
    cb->SetCallback(onMainStart);
    cb->SetClientData(this);
    observer_ = main_->AddObserver(vtkCommand::StartEvent, cb);

    bar_ = vtkSmartPointer<vtkActor>::New();
    bar_->GetProperty()->SetColor(1, 1, 1);
    bar_->GetProperty()->LightingOff();
    bar_->VisibilityOff();
    bar_->PickableOff();
    main_->AddActor(bar_);
    barLabel_ = vtkSmartPointer<vtkBillboardTextActor3D>::New();
    barLabel_->GetTextProperty()->SetFontSize(16);
    barLabel_->GetTextProperty()->SetColor(1, 1, 1);
    barLabel_->GetTextProperty()->SetJustificationToCentered();
    barLabel_->GetTextProperty()->SetVerticalJustificationToCentered();
    barLabel_->VisibilityOff();
    barLabel_->PickableOff();
    main_->AddActor(barLabel_);

    time_ = vtkSmartPointer<vtkTextActor>::New();
    time_->GetTextProperty()->SetFontSize(16);
    time_->GetTextProperty()->SetColor(0.9, 0.9, 0.9);
    time_->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
    time_->GetPositionCoordinate()->SetValue(0.01, 0.95);
    time_->GetTextProperty()->SetVerticalJustificationToTop();
    main_->AddActor2D(time_);
}

SceneAnnotations::~SceneAnnotations()
{
    if (main_ && observer_)
        main_->RemoveObserver(observer_);
    if (window_ && axesRenderer_)
        window_->RemoveRenderer(axesRenderer_);
}

void SceneAnnotations::syncAxesCamera()
{
    vtkCamera* from = main_->GetActiveCamera();
    vtkCamera* to = axesRenderer_->GetActiveCamera();
    double dop[3];
    from->GetDirectionOfProjection(dop);
    to->SetFocalPoint(0, 0, 0);
    to->SetPosition(-dop[0] * 4, -dop[1] * 4, -dop[2] * 4);
    to->SetViewUp(from->GetViewUp());
    to->ParallelProjectionOff();
    {
        const RenderGuard turn;  // the axes' labels measure their text
        axesRenderer_->ResetCameraClippingRange();
    }
    // Keep the axes' total length stable: reset only the distance, not the orientation.
    to->SetViewAngle(30);
}

void SceneAnnotations::setBounds(const std::array<double, 6>& b)
{
    const double extentX = b[1] - b[0];
    barLength_ = niceLength(extentX * 0.25);
    const double thick = std::max(extentX * 0.008, 1e-3);
    auto cube = vtkSmartPointer<vtkCubeSource>::New();
    // Just outside the data's max-y edge (the bottom of the screen in the default view, where
    // y points down), starting at its left end.
    const double y = b[3] + 4 * thick, z = b[4];
    cube->SetBounds(b[0], b[0] + barLength_, y - thick, y + thick, z - thick, z + thick);
    auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    mapper->SetInputConnection(cube->GetOutputPort());
    bar_->SetMapper(mapper);
    bar_->SetVisibility(barVisible_);
    std::ostringstream label;
    label << barLength_ << " \xC2\xB5m";
    barLabel_->SetInput(label.str().c_str());
    barLabel_->SetPosition(b[0] + barLength_ / 2, y + 10 * thick, z);
    barLabel_->SetVisibility(barVisible_);
}

void SceneAnnotations::setTimeText(const std::string& text) { time_->SetInput(text.c_str()); }

void SceneAnnotations::setLegend(const std::vector<LegendEntry>& entries)
{
    for (auto& a : legend_)
        main_->RemoveActor2D(a);
    legend_.clear();
    double y = 0.95;
    for (const auto& e : entries) {
        auto a = vtkSmartPointer<vtkTextActor>::New();
        a->SetInput(e.text.c_str());
        a->GetTextProperty()->SetFontSize(15);
        a->GetTextProperty()->SetBold(1);
        a->GetTextProperty()->SetColor(e.color[0], e.color[1], e.color[2]);
        a->GetTextProperty()->SetJustificationToRight();
        a->GetTextProperty()->SetVerticalJustificationToTop();
        a->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
        a->GetPositionCoordinate()->SetValue(0.99, y);
        y -= 0.045;
        main_->AddActor2D(a);
        legend_.push_back(a);
    }
}

void SceneAnnotations::setScaleBarVisible(bool on)
{
    barVisible_ = on;
    bar_->SetVisibility(on && bar_->GetMapper() != nullptr);
    barLabel_->SetVisibility(on && bar_->GetMapper() != nullptr);
}

void SceneAnnotations::setAxesVisible(bool on) { axesRenderer_->SetDraw(on); }

} // namespace rfx::render
