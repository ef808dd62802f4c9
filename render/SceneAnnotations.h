#pragma once
// The annotations every 3D figure needs: a scale bar in µm (a world-space bar, so it stays true
// under perspective), orientation axes in a corner viewport that follow the camera, the current
// time, and a legend of the visible layers in their colours.
#include <array>
#include <string>
#include <vector>

#include <vtkSmartPointer.h>

class vtkRenderer;
class vtkRenderWindow;
class vtkActor;
class vtkBillboardTextActor3D;
class vtkTextActor;
class vtkAxesActor;

namespace rfx::render {

struct LegendEntry {
    std::string text;
    std::array<float, 3> color{1.f, 1.f, 1.f};
};

class SceneAnnotations {
public:
    SceneAnnotations(vtkRenderWindow* window, vtkRenderer* main);
    ~SceneAnnotations();

    // Places the scale bar along x under the data, sized to a round length near a fifth of the
    // x extent. bounds: xmin, xmax, ymin, ymax, zmin, zmax in µm.
    void setBounds(const std::array<double, 6>& bounds);
    void setTimeText(const std::string& text);
    void setLegend(const std::vector<LegendEntry>& entries);
    void setScaleBarVisible(bool on);
    void setAxesVisible(bool on);
    double scaleBarLength() const { return barLength_; }
    // Copies the main camera's orientation to the axes viewport (called before each render).
    void syncAxesCamera();

private:
    vtkRenderWindow* window_;
    vtkRenderer* main_;
    vtkSmartPointer<vtkRenderer> axesRenderer_;
    vtkSmartPointer<vtkAxesActor> axes_;
    vtkSmartPointer<vtkActor> bar_;
    vtkSmartPointer<vtkBillboardTextActor3D> barLabel_;
    vtkSmartPointer<vtkTextActor> time_;
    std::vector<vtkSmartPointer<vtkTextActor>> legend_;
    unsigned long observer_ = 0;
    double barLength_ = 0;
    bool barVisible_ = true;
};

// Round length (1, 2, 5 x 10^n) closest below `target`.
double niceLength(double target);

} // namespace rfx::render
