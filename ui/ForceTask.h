#pragma once
// The GUI's force reconstruction: core's classical 3D-CFM (DVC + direct method) or the learned one
// (a force network + the same direct method) on a relaxed and a stressed bead volume, run as a
// BackgroundJob. The worker reads the files itself (the same loader as `refractome-cli tfm`),
// computes, and writes the results file atomically; the commit only reports where it is, so a
// cancelled run leaves no file and no layer.
#include <QString>
#include <functional>

#include "core/forces/ElasticityAnalysis.h"
#include "ui/BackgroundJob.h"

namespace rfx::ui {

enum class ForceMethod { Classical, Learned };  // `tfm --method dvc` / `--method dl`

struct ForceRequest {
    ForceMethod method = ForceMethod::Classical;
    QString modelDirectory;  // learned: force model package; empty = the bundled force-synthetic
    QString relaxedPath, stressedPath;
    QString maskPath;  // optional: label/binary volume or a cell image
    double young_Pa = 1000;
    double poisson = 0.45;
    int window = 32;   // final correlation window (voxels along the finest axis)
    QString outputPath;  // *.h5
};

// "" when the request can run, else a one-line reason (missing path, E <= 0, nu outside (-1, 0.5),
// output over an input).
QString checkForceRequest(const ForceRequest& request);

BackgroundJob::Work makeForceWork(ForceRequest request,
                                  std::function<void(const QString& outputPath, const CellForceSummary& summary)> commit);

} // namespace rfx::ui
