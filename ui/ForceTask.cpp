#include "ui/ForceTask.h"

#include <QFileInfo>
#include <algorithm>
#include <thread>

#include "core/forces/LearnedTfm.h"
#include "core/forces/TfmInputLoader.h"
#include "core/forces/TfmPipeline.h"
#include "core/forces/TfmOutput.h"
#include "core/prediction/ModelLocator.h"
#include "core/util/Errors.h"

namespace rfx::ui {

QString checkForceRequest(const ForceRequest& r)
{
    if (r.relaxedPath.isEmpty() || r.stressedPath.isEmpty())
        return QObject::tr("choose the relaxed and the stressed bead volume");
    if (r.outputPath.isEmpty())
        return QObject::tr("choose where to write the results");
    try {
        Material material;
        material.young_Pa = r.young_Pa;
        material.poisson = r.poisson;
        checkMaterial(material);  // the rule the pipeline applies
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
    if (r.window < 8 || r.window > 512)
        return QObject::tr("the correlation window must be between 8 and 512 voxels");
    const QString out = QFileInfo(r.outputPath).absoluteFilePath();
    for (const QString& in : {r.relaxedPath, r.stressedPath, r.maskPath})
        if (!in.isEmpty() && QFileInfo(in).absoluteFilePath() == out)
            return QObject::tr("the results would overwrite an input");
    return {};
}

BackgroundJob::Work makeForceWork(ForceRequest request,
                                  std::function<void(const QString& outputPath, const CellForceSummary& summary)> commit)
{
    return [request = std::move(request), commit = std::move(commit)](const ProgressFn& progress,
                                                                       const CancelToken& cancel) -> BackgroundJob::Commit {
        const QString problem = checkForceRequest(request);
        if (!problem.isEmpty())
            throw InputError(problem.toStdString());
        progress(0.0, "reading bead volumes");
        TfmFiles files;
        files.relaxed = request.relaxedPath.toStdString();
        files.stressed = request.stressedPath.toStdString();
        files.mask = request.maskPath.toStdString();
        TfmInputs in = loadTfmInputs(files);
        in.params.elasticity.material.young_Pa = request.young_Pa;
        in.params.elasticity.material.poisson = request.poisson;
        in.params.dvc.window = request.window;
        // Leave one core to the GUI thread, so the window stays responsive.
        const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency() - 1));
        TfmResult r;
        TfmRunInfo run;
        TfmOutputRequest out;
        if (request.method == ForceMethod::Learned) {
            const std::string model = request.modelDirectory.isEmpty() ? bundledModelDirectory("force-synthetic")
                                                                       : request.modelDirectory.toStdString();
            LearnedTfmInputs li = learnedTfmInputs(in, model);
            li.prediction.threads = threads;
            LearnedTfmResult lr = runLearnedTfm(li, progress, cancel);
            run.method = "dl";
            run.learnedJson = learnedRunJson(lr, model);
            out.analysis = learnedAnalysisName(lr);
            r = std::move(lr.tfm);
        } else {
            in.params.dvc.threads = threads;
            r = runClassicalTfm(in, progress, cancel);
        }

        run.relaxed = files.relaxed;
        run.stressed = files.stressed;
        run.mask = files.mask;
        run.params = in.params;
        out.resultsPath = request.outputPath.toStdString();
        out.source = files.relaxed + " -> " + files.stressed;
        out.parametersJson = tfmParametersJson(run, r);
        out.beads = in.stressed;
        out.cellMask = in.cellMask;
        cancel.check();
        writeTfmOutputs(out, r);  // temporary file, renamed into place
        const CellForceSummary summary = r.elasticity.summary;
        return [commit, path = request.outputPath, summary] { commit(path, summary); };
    };
}

} // namespace rfx::ui
