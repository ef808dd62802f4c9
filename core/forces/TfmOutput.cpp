#include "core/forces/TfmOutput.h"

#include <filesystem>
#include <fstream>

#include "core/io/AtomicFile.h"
#include "core/io/CsvWriter.h"

#include <nlohmann/json.hpp>

namespace rfx {

namespace {
const std::string kMicro = "\xC2\xB5";  // µ

ChannelInfo channel(const std::string& name, ChannelRole role, const std::string& unit, int components, const Grid& g)
{
    ChannelInfo c;
    c.name = name;
    c.role = role;
    c.unit = unit;
    c.components = components;
    c.grid = g;
    c.times_s = {0.0};
    c.display = defaultDisplayFor(name, role);
    return c;
}

// Quality as written: 0 where the vector was replaced by its neighbours' median.
Volume outputQuality(const DvcResult& d)
{
    Volume q = d.quality;
    float* v = q.data<float>();
    const std::uint8_t* rej = d.rejected.data<std::uint8_t>();
    for (std::size_t i = 0; i < q.voxels(); ++i)
        if (rej[i])
            v[i] = 0.f;
    return q;
}
} // namespace

ResultsTable tfmSummaryTable(const TfmResult& r)
{
    const CellForceSummary& s = r.elasticity.summary;
    ResultsTable t;
    auto add = [&](const std::string& name, const std::string& unit, double v) {
        t.columns.push_back(name);
        t.units.push_back(unit);
        t.values.push_back({v});
    };
    add("contractility_pN", "pN", s.contractility_pN);
    add("total_force_pN", "pN", s.totalForce_pN);
    add("net_force_x_pN", "pN", s.netForce_pN.x());
    add("net_force_y_pN", "pN", s.netForce_pN.y());
    add("net_force_z_pN", "pN", s.netForce_pN.z());
    add("net_force_pN", "pN", s.netForce_pN.norm());
    add("net_force_ratio", "", s.netForceRatio);
    add("strain_energy_pJ", "pJ", s.strainEnergy_pJ);
    add("max_displacement_um", kMicro + "m", s.maxDisplacement_um);
    add("centre_x_um", kMicro + "m", s.centre_um.x());
    add("centre_y_um", kMicro + "m", s.centre_um.y());
    add("centre_z_um", kMicro + "m", s.centre_um.z());
    add("centre_from_mask", "", s.centreFromMask ? 1.0 : 0.0);
    add("mean_traction_Pa", "Pa", s.meanTraction_Pa);
    add("max_traction_Pa", "Pa", s.maxTraction_Pa);
    add("surface_nodes", "", static_cast<double>(s.surfaceNodes));
    add("summary_nodes", "", static_cast<double>(s.summaryNodes));
    add("valid_vector_fraction", "", r.dvc.validFraction);
    return t;
}

std::string tfmVectorsCsv(const TfmResult& r)
{
    CsvWriter csv({"x_um", "y_um", "z_um", "ux_um", "uy_um", "uz_um", "fx_pN", "fy_pN", "fz_pN", "quality"});
    const Grid& g = r.dvc.nodes;
    const float* u = r.elasticity.displacement_um.data<float>();
    const float* f = r.elasticity.nodalForce_pN.data<float>();
    const Volume q = outputQuality(r.dvc);
    std::size_t i = 0;
    for (std::size_t z = 0; z < g.shape[0]; ++z)
        for (std::size_t y = 0; y < g.shape[1]; ++y)
            for (std::size_t x = 0; x < g.shape[2]; ++x, ++i) {
                const std::size_t idx[3] = {z, y, x};
                std::vector<std::string> row;
                for (int c = 0; c < 3; ++c) {  // x, y, z = axes 2, 1, 0
                    const int a = 2 - c;
                    row.push_back(CsvWriter::number(g.origin_um[a] - r.imageGrid.origin_um[a] +
                                                    static_cast<double>(idx[a]) * g.spacing_um[a]));
                }
                for (int c = 0; c < 3; ++c)
                    row.push_back(CsvWriter::number(u[3 * i + c]));
                for (int c = 0; c < 3; ++c)
                    row.push_back(CsvWriter::number(f[3 * i + c]));
                row.push_back(CsvWriter::number(q.data<float>()[i]));
                csv.addRow(row);
            }
    return csv.text();
}

std::string tfmParametersJson(const TfmRunInfo& info, const TfmResult& r)
{
    const TfmParams& params = info.params;
    const Material& mat = params.elasticity.material;
    nlohmann::ordered_json j = {
        {"method", info.method},
        {"relaxed", info.relaxed},
        {"stressed", info.stressed},
        {"mask", info.mask},
        {"voxel_um_zyx", r.imageGrid.spacing_um},
        {"young_Pa", mat.young_Pa},
        {"poisson", mat.poisson},
        {"stress_model", params.elasticity.model == StressModel::NeoHookean ? "neo_hookean" : "linear_elastic"},
        {"smoothing_sigma_nodes", params.elasticity.smoothingSigma_nodes},
        {"window_vox_zyx", r.dvc.window},
        {"step_vox_zyx", r.dvc.step},
        {"valid_vector_fraction", r.dvc.validFraction},
        {"inverted_nodes", r.elasticity.invertedNodes}};
    if (info.method == "dl") {
        j["model"] = info.learnedJson.empty() ? nlohmann::ordered_json::object()
                                              : nlohmann::ordered_json::parse(info.learnedJson);
    } else {
        j["overlap"] = params.dvc.overlap;
        j["coarse_pass"] = params.dvc.coarsePass;
        j["max_iterations"] = params.dvc.maxIterations;
        j["median_test"] = {{"epsilon_vox", params.dvc.medianEpsilon_vox}, {"threshold", params.dvc.medianThreshold}};
    }
    for (const auto& p : r.dvc.passes)
        j["passes"].push_back({{"window_vox_zyx", p.window},
                               {"sweeps", p.sweeps},
                               {"last_mean_update_vox", p.lastMeanUpdate_vox},
                               {"replaced_vectors", p.rejected}});
    return j.dump(2);
}

std::size_t sharpestSlice(const Volume& v)
{
    const auto& shape = v.grid().shape;
    const std::size_t plane = shape[1] * shape[2];
    std::size_t best = 0;
    double bestVar = -1;
    for (std::size_t z = 0; z < shape[0]; ++z) {
        double sum = 0, sq = 0;
        for (std::size_t i = z * plane; i < (z + 1) * plane; ++i) {
            const double x = v.valueAt(i);
            sum += x;
            sq += x * x;
        }
        const double mean = sum / static_cast<double>(plane);
        const double var = sq / static_cast<double>(plane) - mean * mean;
        if (var > bestVar) {
            bestVar = var;
            best = z;
        }
    }
    return best;
}

Volume sliceAt(const Volume& v, std::size_t z)
{
    Grid g = v.grid();
    g.origin_um[0] += static_cast<double>(z) * g.spacing_um[0];
    g.shape[0] = 1;
    Volume out = Volume::zeros<float>(g);
    const std::size_t plane = g.shape[1] * g.shape[2];
    float* d = out.data<float>();
    for (std::size_t i = 0; i < plane; ++i)
        d[i] = static_cast<float>(v.valueAt(z * plane + i));
    return out;
}

void writeTfmOutputs(const TfmOutputRequest& req, const TfmResult& r)
{
    const Grid& g = r.dvc.nodes;
    const ElasticityResult& e = r.elasticity;
    ResultsWriter w(req.resultsPath);
    w.setSource(req.source);
    w.setMetadata("analysis", req.analysis);
    auto put = [&](const ChannelInfo& info, const Volume& v) {
        w.addChannel(info, v.type());
        w.writeFrame(info.name, 0, v);
    };
    put(channel("displacement", ChannelRole::VectorField, kMicro + "m", 3, g), e.displacement_um);
    put(channel("quality", ChannelRole::Other, "", 1, g), outputQuality(r.dvc));
    put(channel("strain_energy_density", ChannelRole::Other, "Pa", 1, g), e.strainEnergyDensity_Pa);
    put(channel("force_density", ChannelRole::VectorField, "pN/" + kMicro + "m\xC2\xB3", 3, g), e.forceDensity_pN_um3);
    put(channel("nodal_force", ChannelRole::VectorField, "pN", 3, g), e.nodalForce_pN);
    if (!e.traction_Pa.empty())
        put(channel("tractions", ChannelRole::VectorField, "Pa", 3, g), e.traction_Pa);
    if (req.cellMask) {
        Volume mask = Volume::zeros<std::uint8_t>(req.cellMask->grid());
        for (std::size_t i = 0; i < mask.values(); ++i)
            mask.data<std::uint8_t>()[i] = req.cellMask->valueAt(i) != 0 ? 1 : 0;
        put(channel("cell_mask", ChannelRole::Other, "", 1, mask.grid()), mask);
    }
    if (req.beads) {
        const Volume slice = sliceAt(*req.beads, sharpestSlice(*req.beads));
        put(channel("bead_slice", ChannelRole::Other, "a.u.", 1, slice.grid()), slice);
    }
    w.writeTable("summary", tfmSummaryTable(r));
    w.writeText("parameters", req.parametersJson);

    // Both files are complete in temporaries before either is moved into place.
    std::unique_ptr<AtomicFile> csv;
    if (!req.vectorsCsvPath.empty()) {
        csv = std::make_unique<AtomicFile>(req.vectorsCsvPath);
        std::ofstream out(csv->tempPath(), std::ios::binary);
        out << tfmVectorsCsv(r);
        out.close();
        if (!out)
            throw std::runtime_error(req.vectorsCsvPath + ": cannot write (disk full?)");
    }
    w.commit();
    if (csv) {
        try {
            csv->commit();
        } catch (...) {
            std::error_code ec;
            std::filesystem::remove(req.resultsPath, ec);
            throw;
        }
    }
}

} // namespace rfx
