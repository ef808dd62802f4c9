#pragma once
// A 3D scene showing one scalar channel as a volume rendering, with an outline and a scale bar.
// Receives its render window from outside (Qt widget, offscreen window): no Qt here.
#include <vtkSmartPointer.h>

#include "core/model/Channel.h"

class vtkRenderWindow;
class vtkRenderer;
class vtkVolume;
class vtkActor;
class vtkImageData;

namespace rfx {
class Volume;

namespace render {

enum class RenderMode { Composite, MaximumIntensity };

class VolumeScene {
public:
    explicit VolumeScene(vtkRenderWindow* window);
    ~VolumeScene();

    // Shows `volume` with the channel's display hints (window, colour or colormap, gamma).
    void show(const Volume& volume, const ChannelInfo& channel);
    void setMode(RenderMode mode);
    void resetCamera();
    void render();
    vtkRenderer* renderer() const;
    bool hasVolume() const { return volume_ != nullptr; }

private:
    void applyTransferFunctions(double lo, double hi, const DisplayHints& hints);

    vtkRenderWindow* window_;
    vtkSmartPointer<vtkRenderer> renderer_;
    vtkSmartPointer<vtkVolume> volume_;
    vtkSmartPointer<vtkActor> outline_;
    vtkSmartPointer<vtkImageData> image_;
    RenderMode mode_ = RenderMode::Composite;
};

} // namespace render
} // namespace rfx
