#include "ui/profiling/ProfilingTask.h"

#include <QFileInfo>
#include <QObject>
#include <QStringList>
#include <algorithm>

#include "core/analysis/FeatureMatrix.h"
#include "core/analysis/FeatureTableConcat.h"
#include "core/profiling/OpenDatasetProfile.h"
#include "core/segmentation/DatasetSegmentation.h"

namespace rfx::ui {

Eigen::MatrixXd embedFeatureTable(const FeatureTable& table, UmapParams params, QString* note,
                                  const ProgressFn& progress, const CancelToken& cancel)
{
    if (table.rowCount() < 3) {
        if (note)
            *note = QObject::tr("UMAP needs at least 3 cells; the table has %1").arg(table.rowCount());
        return {};
    }
    const FeatureMatrix m = zScoredFeatures(table);
    params.neighbors = std::min<int>(params.neighbors, int(table.rowCount()));
    if (note) {
        QStringList w;
        for (const auto& s : m.warnings)
            w << QString::fromStdString(s);
        *note = w.join("; ");
    }
    return umapEmbed(m.values, params, progress, cancel);
}

BackgroundJob::Work makeProfilingWork(ProfilingSetup setup, std::function<void(const ProfilingOutcome&)> commit)
{
    return [setup = std::move(setup), commit = std::move(commit)](const ProgressFn& progress,
                                                                   const CancelToken& cancel) -> BackgroundJob::Commit {
        if (!setup.dataset)
            throw InputError("no dataset to profile");
        auto sub = [&](double from, double to) {
            return [=](double f, const std::string& stage) { progress(from + (to - from) * f, stage); };
        };
        progress(0.0, "profile");
        OpenDatasetProfile prof =
            profileOpenDataset(*setup.dataset, setup.condition, {}, {}, sub(0.0, 0.85), cancel);
        if (prof.result.rows.empty())
            throw InputError(setup.dataset->path() + ": no cells with a nucleus were found");
        auto results = std::make_shared<ProfilingResults>();
        auto table = std::make_shared<FeatureTable>(featureTableOf(prof.result, &results->units));
        results->origin = QObject::tr("profiled %1").arg(QFileInfo(QString::fromStdString(setup.dataset->path())).fileName());
        if (setup.appendTo) {
            const QString origin = setup.appendTo->origin + " + " + results->origin;
            table = std::make_shared<FeatureTable>(
                concatenateFeatureTables({setup.appendTo->table.get(), table.get()}, origin.toStdString()));
            results->units.insert(setup.appendTo->units.begin(), setup.appendTo->units.end());
            results->origin = origin;
        }
        // UMAP over all rows: an embedding is only comparable within one run.
        results->embedding = embedFeatureTable(*table, setup.umap, &results->embeddingNote, sub(0.85, 1.0), cancel);
        results->table = std::move(table);
        auto outcome = std::make_shared<ProfilingOutcome>();
        outcome->results = std::move(results);
        outcome->dataset = setup.dataset;
        outcome->cellLabels = std::move(prof.cellLabels);
        const ChannelInfo& ri = setup.dataset->channel(std::size_t(riChannelIndex(*setup.dataset)));
        for (std::size_t t : prof.frames)
            outcome->times_s.push_back(ri.times_s.at(t));
        outcome->cellsWithoutNucleus = prof.result.cellsWithoutNucleus;
        return [outcome, commit] { commit(*outcome); };
    };
}

BackgroundJob::Work makeFeatureCsvWork(std::vector<std::string> csvPaths, UmapParams umap,
                                       std::function<void(std::shared_ptr<const ProfilingResults>)> commit)
{
    return [csvPaths = std::move(csvPaths), umap, commit = std::move(commit)](
               const ProgressFn& progress, const CancelToken& cancel) -> BackgroundJob::Commit {
        progress(0.0, "read");
        auto results = std::make_shared<ProfilingResults>();
        std::vector<FeatureTable> parts;
        std::vector<const FeatureTable*> pointers;
        QStringList names;
        for (const std::string& path : csvPaths) {
            cancel.check();
            parts.push_back(FeatureTable::read(path));
            for (const auto& [column, unit] : featureCsvUnits(path, parts.back()))
                results->units.emplace(column, unit);  // the first file's sidecar wins
            names << QString::fromStdString(path);
        }
        for (const FeatureTable& t : parts)
            pointers.push_back(&t);
        results->origin = names.join(" + ");
        auto table = std::make_shared<FeatureTable>(parts.size() == 1 ? std::move(parts.front())
                                                                        : concatenateFeatureTables(pointers, results->origin.toStdString()));
        results->embedding = embedFeatureTable(*table, umap, &results->embeddingNote, progress, cancel);
        results->table = std::move(table);
        results->files = names;
        std::shared_ptr<const ProfilingResults> done = std::move(results);
        return [done, commit] { commit(done); };
    };
}

} // namespace rfx::ui
