#include "ui/ViewerWidget.h"

#include <vtkBoxRepresentation.h>
#include <vtkBoxWidget2.h>
#include <vtkCommand.h>
#include <vtkPlanes.h>

#include <QGridLayout>

#include <vtkGenericOpenGLRenderWindow.h>

#include "render/BlendCache.h"
#include "render/ChannelCompositor.h"
#include "render/SliceScene.h"
#include "ui/VtkViewWidget.h"

namespace rfx::ui {

ViewerWidget::ViewerWidget(QWidget* parent) : QWidget(parent)
{
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(2);
    view3d_ = new VtkViewWidget(this);
    view3d_->setObjectName("view3D");
    view3d_->setToolTip(tr("3D view: drag to rotate, wheel to zoom, middle-drag to pan, R to reset"));
    scene_ = std::make_unique<render::VolumeScene>(view3d_->renderWindow());
    // The shown frame, the next one (blended ahead by the prefetcher) and one more, each at full
    // resolution and at the interactive level of detail.
    scene_->setBlendCache(std::make_shared<render::BlendCache>(6));
    connect(view3d_, &VtkViewWidget::clicked, this, [this](int x, int y) {
        std::array<double, 3> from{}, to{};
        if (scene_->viewRay(x, y, from, to))
            Q_EMIT viewRayPicked(from, to);
    });
    grid->addWidget(view3d_, 0, 0);
    const char* names[3] = {"sliceXY", "sliceXZ", "sliceYZ"};
    const int pos[3][2] = {{0, 1}, {1, 0}, {1, 1}};
    for (int a = 0; a < 3; ++a) {
        auto* v = new VtkViewWidget(this);
        v->setObjectName(names[a]);
        v->setToolTip(tr("Slice view: click or drag to move the crosshair; wheel to zoom; R to reset"));
        v->useSliceInteraction();
        v->setMinimumSize(160, 120);
        slices_[static_cast<std::size_t>(a)] = v;
        sliceScenes_[static_cast<std::size_t>(a)] =
            std::make_unique<render::SliceScene>(v->renderWindow(), static_cast<render::SliceAxis>(a));
        grid->addWidget(v, pos[a][0], pos[a][1]);
        connect(v, &VtkViewWidget::pointPicked, this, [this, a](int x, int y) {
            std::array<double, 3> p;
            if (sliceScenes_[static_cast<std::size_t>(a)]->pick(x, y, p))
                setCrosshair(p);
        });
        connect(v, &VtkViewWidget::resetCameraRequested, this,
                [this, a] { sliceScenes_[static_cast<std::size_t>(a)]->resetCamera(); });
        // Fit the image to the view's real size (the first fit may precede the first resize).
        connect(v, &VtkViewWidget::resized, this, [this, a] {
            if (compositor_)
                sliceScenes_[static_cast<std::size_t>(a)]->resetCamera();
        });
    }
    connect(view3d_, &VtkViewWidget::resetCameraRequested, this, [this] { scene_->resetCamera(); });
    grid->setColumnStretch(0, 3);
    grid->setColumnStretch(1, 2);
    grid->setRowStretch(0, 3);
    grid->setRowStretch(1, 2);
}

ViewerWidget::~ViewerWidget()
{
    // Scenes remove their renderers from windows the widgets still own.
    for (auto& s : sliceScenes_)
        s.reset();
    scene_.reset();
}

void ViewerWidget::setClippingBoxVisible(bool on)
{
    if (!on) {
        if (clipWidget_)
            clipWidget_->Off();
        scene_->setClipBox(std::nullopt);
        view3d_->requestRender();
        return;
    }
    if (!scene_->hasVolume())
        return;
    if (!clipWidget_) {
        clipWidget_ = vtkSmartPointer<vtkBoxWidget2>::New();
        clipWidget_->SetInteractor(view3d_->interactor());
        auto rep = vtkSmartPointer<vtkBoxRepresentation>::New();
        rep->SetPlaceFactor(1.0);
        rep->InsideOutOn();  // planes face inward: keep what is inside the box
        clipWidget_->SetRepresentation(rep);
        clipWidget_->SetRotationEnabled(false);
        clipWidget_->AddObserver(vtkCommand::InteractionEvent, this, &ViewerWidget::onClipBoxMoved);
    }
    auto* rep = vtkBoxRepresentation::SafeDownCast(clipWidget_->GetRepresentation());
    std::array<double, 6> b = scene_->bounds();
    rep->PlaceWidget(b.data());
    clipWidget_->On();
    onClipBoxMoved();
}

bool ViewerWidget::clippingBoxVisible() const { return clipWidget_ && clipWidget_->GetEnabled(); }

void ViewerWidget::onClipBoxMoved()
{
    auto planes = vtkSmartPointer<vtkPlanes>::New();
    vtkBoxRepresentation::SafeDownCast(clipWidget_->GetRepresentation())->GetPlanes(planes);
    scene_->setClippingPlanes(planes);
    view3d_->requestRender();
}

void ViewerWidget::setPreview(bool on) { scene_->setBlendStride(on ? 2 : 1); }

bool ViewerWidget::previewing() const { return scene_->blendStride() > 1; }

void ViewerWidget::setLayers(const std::vector<render::SceneLayer>& layers)
{
    layers_ = layers;
    const bool first = !scene_->hasVolume();
    scene_->setLayers(layers);
    render::CompositeInputs inputs = render::compositeInputs(layers, false);
    compositor_.reset();
    if (inputs.reference)
        compositor_ = std::make_shared<render::ChannelCompositor>(std::move(inputs.layers), *inputs.reference);
    if (compositor_ && !hasCrosshair_) {
        const Grid& g = compositor_->grid();
        for (int a = 0; a < 3; ++a)
            crosshair_[2 - a] = g.origin_um[a] + 0.5 * double(g.shape[a] - 1) * g.spacing_um[a];
        hasCrosshair_ = true;
    }
    scene_->setCrosshair(crosshair_, hasCrosshair_ && compositor_);
    updateSlices();
    if (first && scene_->hasVolume())
        resetViews();
    requestAll();
}

void ViewerWidget::updateSlices()
{
    for (auto& s : sliceScenes_) {
        if (compositor_)
            s->show(*compositor_, crosshair_);
        else
            s->clear();
    }
}

void ViewerWidget::setCrosshair(const std::array<double, 3>& xyz)
{
    crosshair_ = xyz;
    hasCrosshair_ = true;
    scene_->setCrosshair(crosshair_, compositor_ != nullptr);
    updateSlices();
    requestAll();
    Q_EMIT crosshairChanged(crosshair_);
}

void ViewerWidget::setMode(render::RenderMode mode)
{
    scene_->setMode(mode);
    requestAll();
}

void ViewerWidget::setTimeText(const QString& text)
{
    scene_->setTimeText(text.toStdString());
    view3d_->requestRender();
}

void ViewerWidget::setSlicesVisible(bool on)
{
    for (auto* v : slices_)
        v->setVisible(on);
}

bool ViewerWidget::slicesVisible() const { return slices_[0]->isVisible(); }

void ViewerWidget::resetViews()
{
    scene_->resetCamera();
    for (auto& s : sliceScenes_)
        s->resetCamera();
    requestAll();
}

void ViewerWidget::requestAll()
{
    if (quickRender_)
        view3d_->requestQuickRender();
    else
        view3d_->requestRender();
    for (auto* v : slices_)
        v->requestRender();
}

} // namespace rfx::ui
