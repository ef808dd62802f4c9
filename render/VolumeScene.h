#pragma once
// The 3D scene: RI plus any number of fluorescence, uncertainty and label layers rendered at
// once (composite or maximum intensity from one CPU-blended RGBA volume, or iso-surfaces per
// layer), physical voxel spacing honoured, with scale bar, axes, time, legend and a crosshair
// cursor linked to the slice views. Receives its render window from outside: no Qt here.
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <vtkSmartPointer.h>

#include "core/model/Channel.h"
#include "render/SceneLayer.h"

class vtkRenderWindow;
class vtkRenderer;
class vtkVolume;
class vtkActor;
class vtkProp;
class vtkProp3D;
class vtkImageActor;
class vtkPlanes;
class vtkImageData;
class vtkGPUVolumeRayCastMapper;

namespace rfx {
class Volume;

namespace render {

class SceneAnnotations;
class BlendCache;

enum class RenderMode { Composite, MaximumIntensity, IsoSurface };

struct CameraState {
    std::array<double, 3> position{}, focalPoint{}, viewUp{0, 1, 0};
    double viewAngle = 30;
};

class VolumeScene {
public:
    explicit VolumeScene(vtkRenderWindow* window);
    ~VolumeScene();

    // Shows the visible layers (hidden ones are skipped); 3-component layers (vector fields) as
    // arrows coloured by magnitude with a colour bar. The first RI layer, else the first scalar
    // layer, else the first vector layer, defines the geometry. Rebuilds the blended volume (hundreds of ms for 7 x 16 M voxels).
    void setLayers(const std::vector<SceneLayer>& layers);
    // Convenience: one channel with its display hints.
    void show(const Volume& volume, const ChannelInfo& channel);
    // Clipping box (µm: xmin, xmax, ymin, ymax, zmin, zmax) applied to the volume, iso-surfaces and
    // arrows; nullopt removes it. setClippingPlanes takes the six planes of an interactive box widget.
    void setClipBox(const std::optional<std::array<double, 6>>& box);
    void setClippingPlanes(vtkPlanes* planes);
    bool clipped() const { return clipPlanes_ != nullptr; }
    // Level of detail of the blended volume: every `stride`-th voxel in x and y (1: full). A
    // preview at 2 blends a quarter of the voxels, for frame changes during playback.
    // A full-resolution blend already in the cache is used in preference to blending a preview.
    void setBlendStride(int stride) { blendStride_ = stride < 1 ? 1 : stride; }
    int blendStride() const { return blendStride_; }
    // Where finished blends are kept (and found, when a worker blended ahead); the scene has a
    // private cache (the full and the interactive blend of the shown layers) until a shared one is set.
    void setBlendCache(std::shared_ptr<BlendCache> cache);
    const std::shared_ptr<BlendCache>& blendCache() const { return blendCache_; }
    // Stride of the blend shown (1: full resolution; 0 before any).
    int shownStride() const { return shownStride_; }
    void setMode(RenderMode mode);
    RenderMode mode() const { return mode_; }
    // Overall density of the composite rendering (scales every layer's opacity per µm).
    void setDensity(double density);
    // Crosshair position in µm (x, y, z), drawn as three lines through the data bounds.
    void setCrosshair(const std::array<double, 3>& xyz, bool visible);
    void setTimeText(const std::string& text);
    void setScaleBarVisible(bool on);
    void setAxesVisible(bool on);
    void resetCamera();
    CameraState camera() const;
    void setCamera(const CameraState& state);
    void render();
    // Level of detail follows the render window's desired update rate, as VTK's interactors set
    // it: at 1 frame/s or more (dragging, playing) one ray per 2.5 x 2.5 pixels,
    // sampled every 2.5 voxels, through the interactive blend of a large scene
    // (kInteractiveStride); below it (a still frame) every pixel, every voxel, the full blend.
    bool interactiveDetail() const { return interactiveDetail_; }
    // Stride of the blend drawn by the last render (differs from shownStride while interacting
    // with a large scene).
    int drawnStride() const { return drawnStride_; }
    vtkRenderer* renderer() const;
    // The line of sight through display pixel (x, y) (origin bottom-left) from the near to the far
    // clipping plane, in µm; false before the first layer. For picking what lies under the mouse.
    bool viewRay(int x, int y, std::array<double, 3>& nearPoint, std::array<double, 3>& farPoint) const;
    bool hasVolume() const { return hasData_; }
    // Data bounds in µm (xmin, xmax, ymin, ymax, zmin, zmax); zeros before the first layer.
    std::array<double, 6> bounds() const { return bounds_; }
    double scaleBarLength() const;
    // Arrows drawn for the vector layers (displacement, forces) after the last setLayers.
    std::size_t glyphsDrawn() const { return glyphsDrawn_; }
    // Planes and surfaces drawn for single-slice and surface layers after the last setLayers.
    std::size_t overlaysDrawn() const { return overlays_.size(); }
    // Colour bars of colour-mapped scalar layers (RI, uncertainty) after the last setLayers.
    std::size_t scalarBarsDrawn() const { return scalarBars_.size(); }

private:
    void rebuild();
    void buildComposite();
    void buildIsoSurfaces();
    void applyBlendMode();
    void buildGlyphs();
    void buildScalarBars();
    static constexpr int kMaxColorBars = 5;  // more would cover the view
    void applyLevelOfDetail();
    static void showImage(vtkImageData* shown, vtkImageData* blend);
    // Which of the two volumes is drawn: the interactive blend while interacting with a large
    // scene, else the full one; neither without a blend. True when the interactive one is drawn.
    bool applyVolumeVisibility();
    void buildOverlays();
    vtkSmartPointer<vtkActor> makeSurface(const SceneLayer& layer) const;
    vtkSmartPointer<vtkImageActor> makePlane(const SceneLayer& layer) const;

    vtkRenderWindow* window_;
    vtkSmartPointer<vtkRenderer> renderer_;
    vtkSmartPointer<vtkVolume> volume_;
    vtkSmartPointer<vtkGPUVolumeRayCastMapper> mapper_;
    // The mapper's one input object for its whole life: new blends are shallow-copied into it.
    // Setting a new input object modifies the mapper, which rebuilds (recompiles) its shader, and
    // llvmpipe's shader compiler takes hundreds of ms; a modified input only re-uploads the texture.
    vtkSmartPointer<vtkImageData> shownImage_;
    // The same for the interactive blend: its own volume and mapper, so that each keeps its
    // texture and switching between interaction and still frames uploads nothing.
    vtkSmartPointer<vtkVolume> quickVolume_;
    vtkSmartPointer<vtkGPUVolumeRayCastMapper> quickMapper_;
    vtkSmartPointer<vtkImageData> quickImage_;
    bool volumeShown_ = false;  // the blend is drawn (composite or MIP with data)
    bool quickReady_ = false;   // quickImage_ holds the interactive blend of the shown layers
    int drawnStride_ = 0;
    vtkSmartPointer<vtkActor> outline_;
    vtkSmartPointer<vtkActor> crosshair_;
    std::vector<vtkSmartPointer<vtkActor>> surfaces_;
    // Layers drawn as they are in every mode: single-slice layers as planes, surface layers as
    // iso-surfaces; with what they were made from, to be reused while that stays the same.
    struct Overlay {
        VolumePtr volume, fade;
        LayerStyle style;
        bool plane = false;
        vtkSmartPointer<vtkProp3D> prop;
    };
    std::vector<Overlay> overlays_;
    std::unique_ptr<SceneAnnotations> annotations_;
    std::vector<SceneLayer> layers_;        // visible scalar layers
    std::vector<SceneLayer> shownLayers_;   // all visible layers, scalar and vector (the blend cache's view)
    bool hasVolumeData_ = false;            // some shown layer spans more than one slice
    std::vector<SceneLayer> vectorLayers_;               // 3-component layers, drawn as arrows
    std::vector<vtkSmartPointer<vtkProp>> glyphProps_;   // their arrows and colour bars
    std::size_t glyphsDrawn_ = 0;
    std::vector<vtkSmartPointer<vtkProp>> scalarBars_;  // colour bars of colour-mapped scalar layers
    std::array<double, 6> bounds_{};
    RenderMode mode_ = RenderMode::Composite;
    double density_ = 0.3;
    int blendStride_ = 1;
    int shownStride_ = 0;
    bool interactiveDetail_ = false;
    std::shared_ptr<BlendCache> blendCache_;
    vtkSmartPointer<vtkPlanes> clipPlanes_;
    void applyClipping();
    bool hasData_ = false;
};

} // namespace render
} // namespace rfx
