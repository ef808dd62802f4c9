// Single-cell profiling: the feature catalog, per-cell measurements on analytic objects, and
// tracking through a synthetic time-lapse with a division.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/profiling/CellMeasurer.h"
#include "core/profiling/CellTracker.h"
#include "core/profiling/FeatureCatalog.h"
#include "core/synth/CellFieldGenerator.h"
#include "core/util/BuildInfo.h"

using namespace rfx;

TEST_CASE("The feature catalog has 65 uniquely named, documented features", "[profiling]")
{
    const auto& cat = featureCatalog();
    CHECK(cat.size() == 65);
    std::set<std::string> names;
    int flagged = 0;
    for (const FeatureSpec& f : cat) {
        names.insert(f.name);
        CHECK(std::string(f.unit).size() > 0);
        CHECK(std::string(f.definition).size() > 10);
        flagged += f.riEquivalent ? 1 : 0;
    }
    CHECK(names.size() == cat.size());
    CHECK(flagged == 1);  // the lipid-droplet mass
}

TEST_CASE("docs/features.md holds the table generated from the catalog", "[profiling]")
{
    std::ifstream in(std::string(REFRACTOME_SOURCE_DIR) + "/docs/features.md");
    REQUIRE(in.good());
    std::stringstream text;
    text << in.rdbuf();
    INFO("regenerate with packaging/gen-features-doc.sh");
    CHECK(text.str().find(featureCatalogMarkdown()) != std::string::npos);
}

TEST_CASE("A uniform sphere gives its analytic volume, dry mass, density, axes and sphericity", "[profiling]")
{
    Grid g;
    g.shape = {80, 80, 80};
    g.spacing_um = {0.1, 0.1, 0.1};
    const double r = 3.0, nm = 1.337, conc = 0.1;  // 0.1 g/mL of protein
    Volume ri = Volume::zeros<float>(g), cells = Volume::zeros<std::int32_t>(g), nuc = Volume::zeros<std::int32_t>(g);
    std::size_t count = 0;
    for (std::size_t z = 0; z < 80; ++z)
        for (std::size_t y = 0; y < 80; ++y)
            for (std::size_t x = 0; x < 80; ++x) {
                const double dx = x * 0.1 - 4, dy = y * 0.1 - 4, dz = z * 0.1 - 4;
                const double d = std::sqrt(dx * dx + dy * dy + dz * dz);
                ri.at<float>(z, y, x) = static_cast<float>(d <= r ? nm + kRefractiveIncrement_mL_per_g * conc : nm);
                if (d <= r) {
                    cells.at<std::int32_t>(z, y, x) = 1;
                    ++count;
                }
                if (d <= 1.5)
                    nuc.at<std::int32_t>(z, y, x) = 1;
            }
    MeasureInputs in;
    in.ri = &ri;
    in.cellLabels = &cells;
    in.nucleusLabels = &nuc;
    in.mediumRI = nm;
    const auto cellsMeasured = measureCells(in);
    REQUIRE(cellsMeasured.size() == 1);
    const CellMeasurements& m = cellsMeasured[0];
    const std::vector<double> f = computeFeatures(m);
    auto feature = [&](const std::string& name) {
        for (std::size_t k = 0; k < featureCatalog().size(); ++k)
            if (featureCatalog()[k].name == name)
                return f[k];
        FAIL("no feature " << name);
        return 0.0;
    };
    const double v = 4.0 / 3.0 * M_PI * r * r * r;
    CHECK(feature("cell_volume") == Approx(v).epsilon(0.02));
    // The float RI makes the concentration exact only to ~1e-6 relative.
    CHECK(feature("cell_dry_mass") == Approx(conc * count * 1e-3).epsilon(1e-4));
    CHECK(feature("cell_mass_density") == Approx(conc).epsilon(1e-4));
    CHECK(feature("cell_surface_area") == Approx(4 * M_PI * r * r).epsilon(0.06));
    CHECK(feature("cell_sphericity") == Approx(1.0).epsilon(0.06));
    CHECK(feature("cell_major_axis") == Approx(2 * r).epsilon(0.02));
    CHECK(feature("cell_minor_axis") == Approx(2 * r).epsilon(0.02));
    CHECK(feature("cell_height") == Approx(2 * r).epsilon(0.04));
    CHECK(feature("cell_footprint_area") == Approx(M_PI * r * r).epsilon(0.03));
    CHECK(feature("nucleus_volume") == Approx(4.0 / 3.0 * M_PI * 1.5 * 1.5 * 1.5).epsilon(0.04));
    CHECK(feature("nucleus_offset") == Approx(0).margin(0.01));
    CHECK(feature("cell_ri_std") == Approx(0).margin(1e-6));
    CHECK(feature("ri_glcm_energy") == Approx(1.0));  // one grey level everywhere
    CHECK(feature("lipid_droplet_count") == 0);
}

TEST_CASE("Tracking follows every cell of a synthetic time-lapse and finds the division", "[profiling]")
{
    CellFieldParams p;
    p.shape = {32, 160, 160};
    p.cells = 3;
    p.frames = 5;
    p.seed = 4;
    const CellField field = generateCellField(p);
    CellTracker tracker;
    std::map<int, int> trackOfTruth;           // truth cell id -> track id
    std::map<int, std::set<int>> childrenOf;   // parent track -> tracks of its daughters
    std::map<int, int> truthParent;
    for (const CellTruth& t : field.cells)
        if (t.parentId)
            truthParent[t.id] = t.parentId;
    REQUIRE(!truthParent.empty());  // the generator made a division
    for (std::size_t f = 0; f < field.frames.size(); ++f) {
        const Volume& labels = field.frames[f].cellLabels;
        const std::vector<TrackedCell> tracks = tracker.addFrame(labels);
        for (const TrackedCell& tc : tracks) {
            // Truth ids are stable across frames, so each must keep one track.
            if (trackOfTruth.count(tc.cellId))
                CHECK(trackOfTruth[tc.cellId] == tc.trackId);
            trackOfTruth[tc.cellId] = tc.trackId;
            if (tc.parentId)
                childrenOf[tc.parentId].insert(tc.trackId);
        }
    }
    // Every division in the truth appears as two daughters of the mother's track.
    std::map<int, std::set<int>> truthChildren;
    for (const auto& [child, parent] : truthParent)
        truthChildren[parent].insert(child);
    for (const auto& [parent, children] : truthChildren) {
        const int motherTrack = trackOfTruth.at(parent);
        REQUIRE(childrenOf.count(motherTrack));
        std::set<int> expected;
        for (int c : children)
            expected.insert(trackOfTruth.at(c));
        CHECK(childrenOf.at(motherTrack) == expected);
    }
}
