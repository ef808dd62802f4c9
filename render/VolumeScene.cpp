#include "render/VolumeScene.h"

#include <algorithm>
#include <cmath>

#include <vtkActor.h>
#include <vtkCallbackCommand.h>
#include <vtkCamera.h>
#include <vtkCommand.h>
#include <vtkCellArray.h>
#include <vtkColorTransferFunction.h>
#include <vtkDoubleArray.h>
#include <vtkFlyingEdges3D.h>
#include <vtkGPUVolumeRayCastMapper.h>
#include <vtkImageActor.h>
#include <vtkImageMapper3D.h>
#include <vtkProp3D.h>
#include <vtkImageSliceMapper.h>
#include <vtkImageData.h>
#include <vtkLookupTable.h>
#include <vtkOutlineSource.h>
#include <vtkPlanes.h>
#include <vtkPiecewiseFunction.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkScalarBarActor.h>
#include <vtkVolume.h>
#include <vtkVolumeProperty.h>

#include "core/model/Volume.h"
#include "render/BlendCache.h"
#include "render/ChannelCompositor.h"
#include "render/ColorBar.h"
#include "render/Colormaps.h"
#include "render/ImageDataConversion.h"
#include "render/RenderLock.h"
#include "render/SceneAnnotations.h"
#include "render/VectorGlyphs.h"

namespace rfx::render {

namespace {

// The geometry of the scene: the RI layer, else the first layer of more than one slice, else any layer.
const SceneLayer* referenceLayer(const std::vector<SceneLayer>& layers)
{
    for (const auto& l : layers)
        if (l.role == ChannelRole::RefractiveIndex)
            return &l;
    for (const auto& l : layers)
        if (!drawnAsPlane(l, true))
            return &l;
    return layers.empty() ? nullptr : &layers.front();
}

std::array<double, 6> gridBounds(const Grid& g)
{
    std::array<double, 6> b{};
    for (int a = 0; a < 3; ++a) {
        const int vtkAxis = 2 - a;  // core (z, y, x) -> VTK (x, y, z)
        b[2 * vtkAxis] = g.origin_um[a];
        b[2 * vtkAxis + 1] = g.origin_um[a] + double(g.shape[a] - 1) * g.spacing_um[a];
    }
    return b;
}

} // namespace

VolumeScene::VolumeScene(vtkRenderWindow* window) : window_(window), blendCache_(std::make_shared<BlendCache>(2))
{
    renderer_ = vtkSmartPointer<vtkRenderer>::New();
    renderer_->SetBackground(0.06, 0.06, 0.08);
    renderer_->SetBackgroundAlpha(1.0);  // Qt would blend a transparent background otherwise
    window_->AddRenderer(renderer_);

    auto property = vtkSmartPointer<vtkVolumeProperty>::New();
    property->SetInterpolationTypeToLinear();
    property->ShadeOff();
    // Colour comes straight from the blended RGBA; opacity from its alpha.
    property->IndependentComponentsOff();
    auto makeVolume = [&](vtkSmartPointer<vtkVolume>& volume, vtkSmartPointer<vtkGPUVolumeRayCastMapper>& mapper,
                          vtkSmartPointer<vtkImageData>& image) {
        volume = vtkSmartPointer<vtkVolume>::New();
        volume->SetProperty(property);
        mapper = vtkSmartPointer<vtkGPUVolumeRayCastMapper>::New();
        // Level of detail set before each render (applyLevelOfDetail) rather than adapted from the
        // previous frame's time: the first frame of an interaction is then as quick as the others.
        mapper->SetAutoAdjustSampleDistances(0);
        mapper->SetLockSampleDistanceToInputSpacing(0);
        image = vtkSmartPointer<vtkImageData>::New();
        mapper->SetInputData(image);
        volume->SetMapper(mapper);
        volume->VisibilityOff();
        renderer_->AddVolume(volume);
    };
    makeVolume(volume_, mapper_, shownImage_);
    makeVolume(quickVolume_, quickMapper_, quickImage_);
    applyBlendMode();

    outline_ = vtkSmartPointer<vtkActor>::New();
    outline_->GetProperty()->SetColor(0.45, 0.45, 0.5);
    outline_->PickableOff();
    renderer_->AddActor(outline_);
    crosshair_ = vtkSmartPointer<vtkActor>::New();
    crosshair_->GetProperty()->SetColor(1.0, 0.85, 0.1);
    crosshair_->GetProperty()->SetLineWidth(1.5);
    crosshair_->GetProperty()->LightingOff();
    crosshair_->PickableOff();
    crosshair_->VisibilityOff();
    renderer_->AddActor(crosshair_);
    annotations_ = std::make_unique<SceneAnnotations>(window_, renderer_);
    auto lod = vtkSmartPointer<vtkCallbackCommand>::New();
    lod->SetClientData(this);
    lod->SetCallback([](vtkObject*, unsigned long, void* self, void*) {
        static_cast<VolumeScene*>(self)->applyLevelOfDetail();
    });
    renderer_->AddObserver(vtkCommand::StartEvent, lod);
}

VolumeScene::~VolumeScene()
{
    annotations_.reset();
    if (window_ && renderer_)
        window_->RemoveRenderer(renderer_);
}

void VolumeScene::setLayers(const std::vector<SceneLayer>& layers)
{
    layers_.clear();
    vectorLayers_.clear();
    shownLayers_.clear();
    for (const auto& l : layers) {
        if (!l.style.visible || !l.volume || l.volume->empty())
            continue;
        if (l.volume->components() == 1)
            layers_.push_back(l);
        else if (l.volume->components() == 3)
            vectorLayers_.push_back(l);
        else
            continue;
        shownLayers_.push_back(l);
    }
    hasVolumeData_ = sceneHasVolumeData(shownLayers_);
    rebuild();
}

void VolumeScene::show(const Volume& volume, const ChannelInfo& channel)
{
    SceneLayer l;
    l.name = channel.name;
    l.role = channel.role;
    l.volume = std::make_shared<const Volume>(volume);
    l.style = defaultStyleFor(channel, &volume);
    l.style.visible = true;
    setLayers({l});
}

void VolumeScene::rebuild()
{
    const SceneLayer* ref = referenceLayer(layers_);
    std::vector<LegendEntry> legend;
    for (const auto& l : layers_) {
        LegendEntry e{l.name, l.style.colormap.empty() ? l.style.color : colormapColor(l.style.colormap, 0.8)};
        if (l.role == ChannelRole::RefractiveIndex)
            e.color = {0.85f, 0.85f, 0.85f};
        legend.push_back(e);
    }
    annotations_->setLegend(legend);
    buildGlyphs();
    buildScalarBars();
    buildOverlays();
    const SceneLayer* geometry = ref ? ref : (vectorLayers_.empty() ? nullptr : &vectorLayers_.front());
    hasData_ = geometry != nullptr;
    if (!ref) {
        volumeShown_ = false;
        applyVolumeVisibility();
        for (auto& s : surfaces_)
            renderer_->RemoveActor(s);
        surfaces_.clear();
        if (!geometry)
            return;
    }
    bounds_ = gridBounds(geometry->volume->grid());
    auto outline = vtkSmartPointer<vtkOutlineSource>::New();
    outline->SetBounds(bounds_.data());
    auto outlineMapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    outlineMapper->SetInputConnection(outline->GetOutputPort());
    outline_->SetMapper(outlineMapper);
    annotations_->setBounds(bounds_);
    if (ref) {
        if (mode_ == RenderMode::IsoSurface)
            buildIsoSurfaces();
        else
            buildComposite();
    }
    applyClipping();  // new surfaces and arrows keep the clipping box
}

void VolumeScene::buildGlyphs()
{
    for (auto& p : glyphProps_)
        renderer_->RemoveViewProp(p);
    glyphProps_.clear();
    glyphsDrawn_ = 0;
    for (std::size_t k = 0; k < vectorLayers_.size(); ++k) {
        const SceneLayer& l = vectorLayers_[k];
        const std::string unit = l.unit.empty() ? "" : " (" + l.unit + ")";
        VectorGlyphs g = buildVectorGlyphs(*l.volume, l.style, "|" + l.name + "|" + unit);
        // Several vector layers: their colour bars stacked.
        g.colorBar->SetPosition(0.55, 0.02 + 0.12 * static_cast<double>(k));
        renderer_->AddActor(g.arrows);
        renderer_->AddViewProp(g.colorBar);
        glyphProps_.push_back(g.arrows);
        glyphProps_.push_back(g.colorBar);
        glyphsDrawn_ += g.drawn;
    }
}

void VolumeScene::buildScalarBars()
{
    for (auto& b : scalarBars_)
        renderer_->RemoveViewProp(b);
    scalarBars_.clear();
    // Colour-mapped layers (RI in grey, uncertainty maps) get a bar with their window in their
    // unit, stacked above the vector layers' bars; single-colour channels are named by
    // the legend instead.
    int slot = static_cast<int>(vectorLayers_.size());
    for (const SceneLayer& l : layers_) {
        if (l.style.colormap.empty() || l.style.isLabels() || slot >= kMaxColorBars)
            continue;
        auto table = colormapTable(l.style.colormap, l.style.windowLow, l.style.windowHigh, l.style.gamma);
        auto bar = makeColorBar(table, l.unit.empty() ? l.name : l.name + " (" + l.unit + ")", slot++);
        renderer_->AddViewProp(bar);
        scalarBars_.push_back(bar);
    }
}

void VolumeScene::buildComposite()
{
    for (auto& s : surfaces_)
        renderer_->RemoveActor(s);
    surfaces_.clear();
    vtkSmartPointer<vtkImageData> image = blendCache_->find(shownLayers_, 1);
    shownStride_ = 1;
    if (!image) {
        image = blendCache_->blend(shownLayers_, blendStride_);
        shownStride_ = blendStride_;
    }
    if (!image) {  // only surfaces and planes
        shownStride_ = 0;
        volumeShown_ = quickReady_ = false;
        applyVolumeVisibility();
        return;
    }
    showImage(shownImage_, image);
    // The interactive blend of a large scene: from the cache (the prefetcher makes it beside the
    // full one) or subsampled from the full blend now (one pass over the RGBA).
    quickReady_ = false;
    if (shownStride_ == 1 && wantsInteractiveBlend(shownLayers_))
        if (auto quick = blendCache_->blend(shownLayers_, kInteractiveStride)) {
            showImage(quickImage_, quick);
            quickReady_ = true;
        }
    volumeShown_ = true;
    applyVolumeVisibility();
}

bool VolumeScene::applyVolumeVisibility()
{
    const bool quick = volumeShown_ && quickReady_ && interactiveDetail_;
    volume_->SetVisibility(volumeShown_ && !quick);
    quickVolume_->SetVisibility(quick);
    return quick;
}

void VolumeScene::showImage(vtkImageData* shown, vtkImageData* blend)
{
    // The same blend again (a rebuild for an arrow, a plane or a legend change) keeps the texture:
    // copying it anew would mark the input modified and upload tens of MB into the GL again.
    if (shown->GetPointData()->GetScalars() == blend->GetPointData()->GetScalars() &&
        shown->GetMTime() >= blend->GetMTime())
        return;
    shown->ShallowCopy(blend);
}

void VolumeScene::applyLevelOfDetail()
{
    interactiveDetail_ = window_->GetDesiredUpdateRate() >= 1.0;
    double voxel = 1.0;
    if (shownStride_ > 0) {
        double spacing[3] = {1, 1, 1};
        shownImage_->GetSpacing(spacing);
        // The finest axis of the full-resolution grid (a preview blend has a coarser x and y).
        voxel = std::min({spacing[0] / shownStride_, spacing[1] / shownStride_, spacing[2]});
    }
    for (vtkGPUVolumeRayCastMapper* m : {mapper_.Get(), quickMapper_.Get()}) {
        m->SetSampleDistance(static_cast<float>(interactiveDetail_ ? 2.5 * voxel : voxel));
        m->SetImageSampleDistance(interactiveDetail_ ? 2.5f : 1.0f);
    }
    // Props are gathered after this event: the visibility chosen here is what this render draws.
    const bool quick = applyVolumeVisibility();
    drawnStride_ = !volumeShown_ ? 0 : quick ? kInteractiveStride : shownStride_;
}

void VolumeScene::setBlendCache(std::shared_ptr<BlendCache> cache)
{
    blendCache_ = cache ? std::move(cache) : std::make_shared<BlendCache>(2);
}

void VolumeScene::applyBlendMode()
{
    const bool mip = mode_ == RenderMode::MaximumIntensity;
    for (vtkGPUVolumeRayCastMapper* m : {mapper_.Get(), quickMapper_.Get()})
        m->SetBlendMode(mip ? vtkVolumeMapper::MAXIMUM_INTENSITY_BLEND : vtkVolumeMapper::COMPOSITE_BLEND);
    auto opacity = vtkSmartPointer<vtkPiecewiseFunction>::New();
    opacity->AddPoint(0, 0);
    opacity->AddPoint(255, mip ? 1.0 : 0.9);
    vtkVolumeProperty* p = volume_->GetProperty();
    p->SetScalarOpacity(opacity);
    // Opacity per µm rather than per sample: the look does not depend on the voxel size.
    p->SetScalarOpacityUnitDistance(mip ? 1.0 : 1.0 / std::max(density_, 1e-3));
    // Dependent RGBA still wants a colour function for the first component (unused for colour).
    auto color = vtkSmartPointer<vtkColorTransferFunction>::New();
    color->AddRGBPoint(0, 0, 0, 0);
    color->AddRGBPoint(255, 1, 1, 1);
    p->SetColor(color);
}

vtkSmartPointer<vtkActor> VolumeScene::makeSurface(const SceneLayer& l) const
{
    const double iso = std::isfinite(l.style.isoValue) ? l.style.isoValue : 0.5 * (l.style.windowLow + l.style.windowHigh);
    auto contour = vtkSmartPointer<vtkFlyingEdges3D>::New();
    contour->SetInputData(toImageData(*l.volume));
    contour->SetValue(0, iso);
    contour->ComputeNormalsOn();
    auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    mapper->SetInputConnection(contour->GetOutputPort());
    mapper->ScalarVisibilityOff();
    auto actor = vtkSmartPointer<vtkActor>::New();
    actor->SetMapper(mapper);
    const Rgb c = l.style.colormap.empty() ? l.style.color : colormapColor(l.style.colormap, 0.8);
    actor->GetProperty()->SetColor(c[0], c[1], c[2]);
    // RI (or a cell mask) is the cell's outline: translucent so what lies inside remains visible.
    // Other surfaces are half see-through too: a membrane shell would hide everything inside.
    const bool outline = l.role == ChannelRole::RefractiveIndex || l.style.surface;
    actor->GetProperty()->SetOpacity((outline ? 0.25 : 0.55) * l.style.opacity);
    actor->GetProperty()->SetSpecular(0.3);
    actor->PickableOff();
    return actor;
}

vtkSmartPointer<vtkImageActor> VolumeScene::makePlane(const SceneLayer& l) const
{
    // The layer's own colours through the same lookup as the slice views; dark pixels mostly
    // transparent (alpha from brightness, a faint floor to show the plane), so the beads float in
    // the view without hiding the cell and the arrows behind the plane.
    const Grid& g = l.volume->grid();
    ChannelCompositor one({{l.volume, l.style, l.fade, l.fadeHigh}}, g);
    vtkSmartPointer<vtkImageData> rgb = one.slice(SliceAxis::XY, 0);
    auto rgba = vtkSmartPointer<vtkImageData>::New();
    rgba->SetDimensions(rgb->GetDimensions());
    rgba->SetSpacing(rgb->GetSpacing());
    rgba->SetOrigin(rgb->GetOrigin());
    rgba->AllocateScalars(VTK_UNSIGNED_CHAR, 4);
    const auto* in = static_cast<const unsigned char*>(rgb->GetScalarPointer());
    auto* out = static_cast<unsigned char*>(rgba->GetScalarPointer());
    const double opacity = std::clamp(l.style.opacity, 0.0, 1.0);
    for (vtkIdType i = 0, n = rgb->GetNumberOfPoints(); i < n; ++i) {
        const unsigned char* c = in + 3 * i;
        const double bright = std::max({c[0], c[1], c[2]}) / 255.0;
        std::copy(c, c + 3, out + 4 * i);
        out[4 * i + 3] = static_cast<unsigned char>(std::lround(255.0 * opacity * (0.15 + 0.85 * bright)));
    }
    auto actor = vtkSmartPointer<vtkImageActor>::New();
    actor->GetMapper()->SetInputData(rgba);
    actor->SetPosition(0, 0, g.origin_um[0]);
    actor->ForceTranslucentOn();
    actor->PickableOff();
    return actor;
}

void VolumeScene::buildOverlays()
{
    // Kept props are reused: an iso-surface of a full-resolution mask takes tens of ms, and scene
    // updates (slider drags, frame steps) mostly leave these layers as they were.
    std::vector<Overlay> next;
    for (const auto& l : layers_) {
        const bool plane = drawnAsPlane(l, hasVolumeData_);
        if (!plane && !(l.style.surface && mode_ != RenderMode::IsoSurface))
            continue;
        auto same = std::find_if(overlays_.begin(), overlays_.end(), [&](const Overlay& o) {
            return o.prop && o.volume == l.volume && o.fade == l.fade && o.plane == plane && o.style == l.style;
        });
        if (same != overlays_.end()) {
            next.push_back(std::move(*same));
            same->prop = nullptr;
            continue;
        }
        Overlay o{l.volume, l.fade, l.style, plane, nullptr};
        if (plane)
            o.prop = makePlane(l);
        else
            o.prop = makeSurface(l);
        renderer_->AddViewProp(o.prop);
        next.push_back(std::move(o));
    }
    for (auto& o : overlays_)
        if (o.prop)
            renderer_->RemoveViewProp(o.prop);
    overlays_ = std::move(next);
}

void VolumeScene::buildIsoSurfaces()
{
    volumeShown_ = quickReady_ = false;
    applyVolumeVisibility();
    for (auto& s : surfaces_)
        renderer_->RemoveActor(s);
    surfaces_.clear();
    for (const auto& l : layers_) {
        if (l.style.isLabels() || drawnAsPlane(l, hasVolumeData_))
            continue;
        surfaces_.push_back(makeSurface(l));
        renderer_->AddActor(surfaces_.back());
    }
    renderer_->SetUseDepthPeeling(1);
}

void VolumeScene::setMode(RenderMode mode)
{
    if (mode == mode_)
        return;
    const bool rebuildNeeded = (mode == RenderMode::IsoSurface) != (mode_ == RenderMode::IsoSurface);
    mode_ = mode;
    if (rebuildNeeded && hasData_)
        rebuild();
    else
        applyBlendMode();
}

void VolumeScene::setDensity(double density)
{
    density_ = density;
    applyBlendMode();
}

void VolumeScene::setCrosshair(const std::array<double, 3>& p, bool visible)
{
    if (!hasData_ || !visible) {
        crosshair_->VisibilityOff();
        return;
    }
    const auto& b = bounds_;
    auto points = vtkSmartPointer<vtkPoints>::New();
    points->InsertNextPoint(b[0], p[1], p[2]);
    points->InsertNextPoint(b[1], p[1], p[2]);
    points->InsertNextPoint(p[0], b[2], p[2]);
    points->InsertNextPoint(p[0], b[3], p[2]);
    points->InsertNextPoint(p[0], p[1], b[4]);
    points->InsertNextPoint(p[0], p[1], b[5]);
    auto lines = vtkSmartPointer<vtkCellArray>::New();
    for (vtkIdType i = 0; i < 3; ++i) {
        const vtkIdType ids[2] = {2 * i, 2 * i + 1};
        lines->InsertNextCell(2, ids);
    }
    auto poly = vtkSmartPointer<vtkPolyData>::New();
    poly->SetPoints(points);
    poly->SetLines(lines);
    auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    mapper->SetInputData(poly);
    crosshair_->SetMapper(mapper);
    crosshair_->VisibilityOn();
}

void VolumeScene::setTimeText(const std::string& text) { annotations_->setTimeText(text); }
void VolumeScene::setScaleBarVisible(bool on) { annotations_->setScaleBarVisible(on); }
void VolumeScene::setAxesVisible(bool on) { annotations_->setAxesVisible(on); }
double VolumeScene::scaleBarLength() const { return annotations_->scaleBarLength(); }

void VolumeScene::resetCamera()
{
    // Bounds include text labels anchored in 3D, which measure their text with FreeType.
    const RenderGuard turn;
    vtkCamera* cam = renderer_->GetActiveCamera();
    // Microscopy convention: looking down onto the coverslip, y pointing down the screen,
    // tilted a little so the depth is visible.
    cam->SetFocalPoint(0, 0, 0);
    cam->SetPosition(0, 0, -1);
    cam->SetViewUp(0, -1, 0);
    cam->Elevation(-35);
    cam->Azimuth(20);
    cam->OrthogonalizeViewUp();
    if (hasData_)
        renderer_->ResetCamera(bounds_.data());
    else
        renderer_->ResetCamera();
}

CameraState VolumeScene::camera() const
{
    CameraState s;
    vtkCamera* cam = renderer_->GetActiveCamera();
    cam->GetPosition(s.position.data());
    cam->GetFocalPoint(s.focalPoint.data());
    cam->GetViewUp(s.viewUp.data());
    s.viewAngle = cam->GetViewAngle();
    return s;
}

void VolumeScene::setCamera(const CameraState& s)
{
    const RenderGuard turn;  // the clipping range measures text labels' bounds
    vtkCamera* cam = renderer_->GetActiveCamera();
    cam->SetPosition(s.position.data());
    cam->SetFocalPoint(s.focalPoint.data());
    cam->SetViewUp(s.viewUp.data());
    cam->SetViewAngle(s.viewAngle);
    renderer_->ResetCameraClippingRange();
}

bool VolumeScene::viewRay(int x, int y, std::array<double, 3>& nearPoint, std::array<double, 3>& farPoint) const
{
    if (!hasData_)
        return false;
    for (int k = 0; k < 2; ++k) {
        renderer_->SetDisplayPoint(x, y, k);  // depth 0: near plane, 1: far plane
        renderer_->DisplayToWorld();
        double w[4];
        renderer_->GetWorldPoint(w);
        if (w[3] == 0)
            return false;
        auto& out = k == 0 ? nearPoint : farPoint;
        for (int a = 0; a < 3; ++a)
            out[std::size_t(a)] = w[a] / w[3];
    }
    return true;
}

vtkRenderer* VolumeScene::renderer() const { return renderer_.Get(); }

void VolumeScene::render()
{
    const RenderGuard turn;
    window_->Render();
}

void VolumeScene::setClipBox(const std::optional<std::array<double, 6>>& box)
{
    if (!box) {
        setClippingPlanes(nullptr);
        return;
    }
    // Six planes with inward normals: mappers keep the side a clipping plane's normal points to
    // (vtkPlanes::SetBounds would point them outward and clip everything inside).
    const auto& b = *box;
    auto points = vtkSmartPointer<vtkPoints>::New();
    auto normals = vtkSmartPointer<vtkDoubleArray>::New();
    normals->SetNumberOfComponents(3);
    for (int axis = 0; axis < 3; ++axis)
        for (int side = 0; side < 2; ++side) {
            double p[3] = {b[0], b[2], b[4]}, n[3] = {0, 0, 0};
            p[axis] = b[2 * axis + side];
            n[axis] = side == 0 ? 1.0 : -1.0;
            points->InsertNextPoint(p);
            normals->InsertNextTuple(n);
        }
    auto planes = vtkSmartPointer<vtkPlanes>::New();
    planes->SetPoints(points);
    planes->SetNormals(normals);
    setClippingPlanes(planes);
}

void VolumeScene::setClippingPlanes(vtkPlanes* planes)
{
    clipPlanes_ = planes;
    applyClipping();
}

void VolumeScene::applyClipping()
{
    std::vector<vtkAbstractMapper3D*> mappers{mapper_, quickMapper_};
    for (auto& s : surfaces_)
        mappers.push_back(s->GetMapper());
    for (auto& o : overlays_) {
        if (auto* a = vtkActor::SafeDownCast(o.prop))
            mappers.push_back(a->GetMapper());
        else if (auto* image = vtkImageSlice::SafeDownCast(o.prop))
            mappers.push_back(image->GetMapper());
    }
    for (auto& p : glyphProps_)
        if (auto* a = vtkActor::SafeDownCast(p))
            mappers.push_back(a->GetMapper());
    for (vtkAbstractMapper3D* m : mappers) {
        if (!m)
            continue;
        m->RemoveAllClippingPlanes();
        if (clipPlanes_)
            m->SetClippingPlanes(clipPlanes_);
    }
}

} // namespace rfx::render
