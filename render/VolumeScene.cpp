#include "render/VolumeScene.h"

#include <cmath>

#include <vtkActor.h>
#include <vtkColorTransferFunction.h>
#include <vtkImageData.h>
#include <vtkOutlineFilter.h>
#include <vtkPiecewiseFunction.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkSmartVolumeMapper.h>
#include <vtkVolume.h>
#include <vtkVolumeProperty.h>

#include "core/model/Volume.h"
#include "render/ImageDataConversion.h"

namespace rfx::render {

VolumeScene::VolumeScene(vtkRenderWindow* window) : window_(window)
{
    renderer_ = vtkSmartPointer<vtkRenderer>::New();
    renderer_->SetBackground(0.06, 0.06, 0.08);
    renderer_->SetBackgroundAlpha(1.0);  // Qt would blend a transparent background otherwise
    window_->AddRenderer(renderer_);
}

VolumeScene::~VolumeScene()
{
    if (window_ && renderer_)
        window_->RemoveRenderer(renderer_);
}

void VolumeScene::show(const Volume& volume, const ChannelInfo& channel)
{
    image_ = toImageData(volume);
    if (!volume_) {
        volume_ = vtkSmartPointer<vtkVolume>::New();
        auto property = vtkSmartPointer<vtkVolumeProperty>::New();
        property->SetInterpolationTypeToLinear();
        property->ShadeOff();
        volume_->SetProperty(property);
        renderer_->AddVolume(volume_);

        outline_ = vtkSmartPointer<vtkActor>::New();
        outline_->GetProperty()->SetColor(0.6, 0.6, 0.6);
        renderer_->AddActor(outline_);
    }
    auto mapper = vtkSmartPointer<vtkSmartVolumeMapper>::New();
    mapper->SetInputData(image_);
    mapper->SetBlendMode(mode_ == RenderMode::MaximumIntensity ? vtkVolumeMapper::MAXIMUM_INTENSITY_BLEND
                                                               : vtkVolumeMapper::COMPOSITE_BLEND);
    volume_->SetMapper(mapper);

    auto outline = vtkSmartPointer<vtkOutlineFilter>::New();
    outline->SetInputData(image_);
    auto outlineMapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    outlineMapper->SetInputConnection(outline->GetOutputPort());
    outline_->SetMapper(outlineMapper);

    double lo = channel.display.windowLow, hi = channel.display.windowHigh;
    if (!(hi > lo)) {
        auto r = volume.range();
        lo = r.first;
        hi = r.second > r.first ? r.second : r.first + 1.0;
    }
    applyTransferFunctions(lo, hi, channel.display);
}

void VolumeScene::applyTransferFunctions(double lo, double hi, const DisplayHints& hints)
{
    auto color = vtkSmartPointer<vtkColorTransferFunction>::New();
    auto opacity = vtkSmartPointer<vtkPiecewiseFunction>::New();
    const int steps = 16;
    for (int i = 0; i <= steps; ++i) {
        const double f = double(i) / steps;
        const double v = lo + f * (hi - lo);
        const double g = std::pow(f, hints.gamma > 0 ? hints.gamma : 1.0);
        if (hints.colormap == "gray" || hints.colormap.empty()) {
            const auto& c = hints.colormap == "gray" ? std::array<float, 3>{1, 1, 1} : hints.color;
            color->AddRGBPoint(v, c[0] * g, c[1] * g, c[2] * g);
        } else {
            // Simple perceptual ramp for non-single-colour maps (magma-like: black-purple-orange-white).
            color->AddRGBPoint(v, std::min(1.0, 1.6 * g), std::max(0.0, 1.5 * g - 0.5), std::min(1.0, 0.5 + 0.5 * g) * g);
        }
        opacity->AddPoint(v, 0.6 * g * g);
    }
    volume_->GetProperty()->SetColor(color);
    volume_->GetProperty()->SetScalarOpacity(opacity);
}

void VolumeScene::setMode(RenderMode mode)
{
    mode_ = mode;
    if (volume_)
        if (auto* m = vtkSmartVolumeMapper::SafeDownCast(volume_->GetMapper()))
            m->SetBlendMode(mode == RenderMode::MaximumIntensity ? vtkVolumeMapper::MAXIMUM_INTENSITY_BLEND
                                                                  : vtkVolumeMapper::COMPOSITE_BLEND);
}

void VolumeScene::resetCamera()
{
    renderer_->ResetCamera();
    renderer_->GetActiveCamera();
}

vtkRenderer* VolumeScene::renderer() const { return renderer_.Get(); }

void VolumeScene::render() { window_->Render(); }

} // namespace rfx::render
