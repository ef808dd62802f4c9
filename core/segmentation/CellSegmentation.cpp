#include "core/segmentation/CellSegmentation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "core/evaluation/FloatVoxels.h"
#include "core/segmentation/LabelFilters.h"
#include "core/segmentation/OrganelleTable.h"
#include "core/segmentation/Thresholding.h"
#include "core/synth/SynthFilters.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {

using seg::Labels;
using seg::Mask;

std::vector<float> floatCopy(const Volume& v)
{
    const Volume f = v.type() == VoxelType::Float32 ? Volume() : v.toFloat();
    const Volume& src = v.type() == VoxelType::Float32 ? v : f;
    const float* p = src.data<float>();
    return std::vector<float>(p, p + src.voxels());
}

std::size_t voxelsFor(double um3, const Grid& g)
{
    return static_cast<std::size_t>(std::max(0.0, std::floor(um3 / g.voxelVolume_um3())));
}

// Keeps components of at least minVoxels (removes specks the threshold picks up from noise).
void removeSmall(Mask& m, const seg::Shape& shape, std::size_t minVoxels)
{
    if (minVoxels <= 1)
        return;
    Labels l;
    seg::connectedComponents(m, shape, minVoxels, l);
    for (std::size_t i = 0; i < m.size(); ++i)
        m[i] = l[i] > 0 ? 1 : 0;
}

struct Box {
    std::array<std::size_t, 3> lo{}, hi{};  // inclusive
};

// Bounding box of every label 1..count (index 0 unused; a label without voxels keeps lo > hi).
std::vector<Box> labelBoxes(const Labels& labels, int count, const seg::Shape& shape)
{
    std::vector<Box> boxes(static_cast<std::size_t>(count) + 1);
    for (auto& b : boxes)
        b.lo.fill(std::numeric_limits<std::size_t>::max());
    for (std::size_t z = 0, i = 0; z < shape[0]; ++z)
        for (std::size_t y = 0; y < shape[1]; ++y)
            for (std::size_t x = 0; x < shape[2]; ++x, ++i) {
                const auto l = static_cast<std::size_t>(labels[i]);
                if (l == 0)
                    continue;
                const std::array<std::size_t, 3> p{z, y, x};
                for (int a = 0; a < 3; ++a) {
                    boxes[l].lo[a] = std::min(boxes[l].lo[a], p[a]);
                    boxes[l].hi[a] = std::max(boxes[l].hi[a], p[a]);
                }
            }
    return boxes;
}

// Thresholds every nucleus of the mask again at `fraction` of its own median stain, within
// `margin` voxels (z, y, x) of its bounding box, so that dim and bright nuclei are cut at the same
// relative level. Components smaller than minVoxels are left out, as by the fixed threshold.
void rethresholdEachNucleus(Mask& mask, const Volume& stain, const seg::Shape& shape, double fraction,
                            const std::array<std::size_t, 3>& margin, std::size_t minVoxels)
{
    Labels comp;
    const int count = seg::connectedComponents(mask, shape, minVoxels, comp);
    const FloatVoxels v(stain);  // no copy of a float channel
    const std::vector<Box> boxes = labelBoxes(comp, count, shape);
    std::vector<std::vector<float>> values(boxes.size());
    for (std::size_t i = 0; i < comp.size(); ++i)
        if (comp[i] > 0)
            values[static_cast<std::size_t>(comp[i])].push_back(v[i]);
    std::fill(mask.begin(), mask.end(), 0);
    for (std::size_t l = 1; l < boxes.size(); ++l) {
        auto& vals = values[l];
        if (vals.empty())
            continue;
        auto mid = vals.begin() + static_cast<std::ptrdiff_t>(vals.size() / 2);
        std::nth_element(vals.begin(), mid, vals.end());
        const float t = static_cast<float>(fraction * *mid);
        std::size_t lo[3], hi[3];
        for (int a = 0; a < 3; ++a) {
            lo[a] = boxes[l].lo[a] > margin[a] ? boxes[l].lo[a] - margin[a] : 0;
            hi[a] = std::min(shape[a] - 1, boxes[l].hi[a] + margin[a]);
        }
        for (std::size_t z = lo[0]; z <= hi[0]; ++z)
            for (std::size_t y = lo[1]; y <= hi[1]; ++y) {
                const std::size_t row = (z * shape[1] + y) * shape[2];
                for (std::size_t x = lo[2]; x <= hi[2]; ++x)
                    if (v[row + x] > t)
                        mask[row + x] = 1;
            }
    }
    removeSmall(mask, shape, minVoxels);
}

// Splits each nucleus component whose distance map has several h-maxima, working in the
// component's bounding box so large fields stay cheap. Returns the number of nuclei.
int splitTouching(Labels& labels, int count, const seg::Shape& shape, const seg::Spacing& spacing, double depth_um)
{
    const std::vector<Box> boxes = labelBoxes(labels, count, shape);
    Labels out(labels.size(), 0);
    int next = 0;
    for (int l = 1; l <= count; ++l) {
        const Box& b = boxes[static_cast<std::size_t>(l)];
        if (b.lo[0] > b.hi[0])
            continue;  // no voxels
        // One voxel of background around the box so the distance map sees the object's edge.
        std::array<std::size_t, 3> lo, cs;
        for (int a = 0; a < 3; ++a) {
            lo[a] = b.lo[a] > 0 ? b.lo[a] - 1 : 0;
            cs[a] = std::min(shape[a] - 1, b.hi[a] + 1) - lo[a] + 1;
        }
        const std::size_t n = cs[0] * cs[1] * cs[2];
        Mask crop(n, 0);
        auto full = [&](std::size_t z, std::size_t y, std::size_t x) {
            return ((z + lo[0]) * shape[1] + (y + lo[1])) * shape[2] + (x + lo[2]);
        };
        // Adherent nuclei are flat, so their 3D distance map is capped by the thickness and shows
        // no neck between touching nuclei; the footprint (projection along z) does.
        const seg::Shape fs{1, cs[1], cs[2]};
        Mask foot(cs[1] * cs[2], 0);
        for (std::size_t z = 0, j = 0; z < cs[0]; ++z)
            for (std::size_t y = 0; y < cs[1]; ++y)
                for (std::size_t x = 0; x < cs[2]; ++x, ++j) {
                    crop[j] = labels[full(z, y, x)] == l ? 1 : 0;
                    foot[y * cs[2] + x] |= crop[j];
                }
        std::vector<float> dist = seg::insideDistance(foot, fs, spacing);
        Labels markers;
        const int peaks = seg::hMaximaMarkers(dist, foot, fs, depth_um, markers);
        Labels parts;
        if (peaks > 1) {
            for (float& d : dist)
                d = -d;
            parts = seg::watershedFromMarkers(dist, markers, fs);
        }
        const int base = next;
        next += std::max(peaks, 1);
        for (std::size_t z = 0, j = 0; z < cs[0]; ++z)
            for (std::size_t y = 0; y < cs[1]; ++y)
                for (std::size_t x = 0; x < cs[2]; ++x, ++j)
                    if (crop[j])
                        out[full(z, y, x)] = base + (peaks > 1 ? std::max(parts[y * cs[2] + x], 1) : 1);
    }
    labels.swap(out);
    return next;
}

} // namespace

SegmentationResult segmentCells(const SegmentationInputs& in, const ProgressFn& progress, const CancelToken& cancel)
{
    const Volume* ref = in.ri ? in.ri.get() : in.cellProbability.get();
    if (!ref)
        throw InputError("segmentation needs a refractive-index channel (or a cell probability map)");
    const Grid grid = ref->grid();
    const seg::Shape shape = grid.shape;
    const seg::Spacing spacing = grid.spacing_um;
    const std::size_t n = grid.voxels();
    auto checkGrid = [&](const Volume& v, const std::string& name) {
        if (!v.grid().sameShape(grid) || v.components() != 1)
            throw InputError("channel '" + name + "' has a different shape from the RI volume");
    };
    for (const auto& [name, v] : in.fluorescence)
        if (v)
            checkGrid(*v, name);
    if (in.cellProbability)
        checkGrid(*in.cellProbability, "cell probability");
    auto report = [&](double f, const char* stage) {
        cancel.check();
        if (progress)
            progress(f, stage);
    };

    SegmentationResult res;
    // 1) Organelle masks by threshold.
    std::map<std::string, Mask> masks;
    for (const OrganelleSpec& spec : kOrganelles) {
        const auto it = in.fluorescence.find(spec.name);
        if (it == in.fluorescence.end() || !it->second)
            continue;
        report(0.05, "threshold");
        const Volume& ch = *it->second;
        double t = spec.defaultThreshold;
        if (const auto o = in.params.thresholds.find(spec.name); o != in.params.thresholds.end())
            t = o->second;
        else if (in.params.method == ThresholdMethod::Otsu)
            t = otsuThreshold(ch);
        res.thresholdsUsed[spec.name] = t;
        Mask m(n, 0);
        if (ch.type() == VoxelType::Float32) {
            const float* v = ch.data<float>();
            const float tf = static_cast<float>(t);
            for (std::size_t i = 0; i < n; ++i)
                m[i] = v[i] > tf ? 1 : 0;
        } else {
            for (std::size_t i = 0; i < n; ++i)
                m[i] = ch.valueAt(i) > t ? 1 : 0;
        }
        removeSmall(m, shape, voxelsFor(spec.minObject_um3, grid));
        const bool defaultFixed = in.params.method == ThresholdMethod::Fixed &&
                                  !in.params.thresholds.count(spec.name) && !in.cellProbability;
        if (std::string(spec.name) == "nucleus" && defaultFixed && in.params.nucleusRelativeThreshold > 0) {
            std::array<std::size_t, 3> margin{};
            for (int a = 0; a < 3; ++a)
                margin[a] = static_cast<std::size_t>(std::lround(0.6 / spacing[a]));
            rethresholdEachNucleus(m, ch, shape, in.params.nucleusRelativeThreshold, margin,
                                   voxelsFor(spec.minObject_um3, grid));
        }
        masks[spec.name] = std::move(m);
    }

    // 2) Nuclei: nucleus stain plus nucleoli (which are dim in the nucleus stain), holes filled.
    report(0.25, "nuclei");
    Labels nuclei(n, 0);
    int nucleusCount = 0;
    if (const auto nm = masks.find("nucleus"); nm != masks.end()) {
        Mask nuc = nm->second;
        if (const auto nl = masks.find("nucleoli"); nl != masks.end())
            for (std::size_t i = 0; i < n; ++i)
                nuc[i] |= nl->second[i];
        seg::fillHoles(nuc, shape);
        nucleusCount = seg::connectedComponents(nuc, shape, voxelsFor(kOrganelles[0].minObject_um3, grid), nuclei);
        if (in.params.splitTouchingNuclei && nucleusCount > 0)
            nucleusCount = splitTouching(nuclei, nucleusCount, shape, spacing, in.params.nucleusSplitDepth_um);
    }

    // 3) Cell foreground: smoothed RI above the medium (or the model's cell probability).
    report(0.45, "cell foreground");
    Mask fg(n, 0);
    if (in.cellProbability) {
        for (std::size_t i = 0; i < n; ++i)
            fg[i] = in.cellProbability->valueAt(i) > 0.5 ? 1 : 0;
    } else {
        std::vector<float> ri = floatCopy(*in.ri);
        const double s = in.params.smoothingSigma_um;
        synth::gaussianBlur3D(ri.data(), shape, {s / spacing[0], s / spacing[1], s / spacing[2]});
        const float t = static_cast<float>(in.mediumRI + in.params.cellRiOffset);
        for (std::size_t i = 0; i < n; ++i)
            fg[i] = ri[i] > t ? 1 : 0;
    }
    for (std::size_t i = 0; i < n; ++i)
        fg[i] |= nuclei[i] > 0 ? 1 : 0;
    seg::fillHoles(fg, shape);
    Labels fgComponents;
    const int fgCount = seg::connectedComponents(fg, shape, voxelsFor(in.params.minCellVolume_um3, grid), fgComponents);
    for (std::size_t i = 0; i < n; ++i)
        fg[i] = fgComponents[i] > 0 ? 1 : 0;

    // 4) Markers: every nucleus inside the foreground; a foreground component without any nucleus
    //    (a cell whose nucleus lies outside the field) becomes its own marker.
    report(0.6, "cells");
    Labels markers(n, 0);
    std::vector<char> componentHasNucleus(static_cast<std::size_t>(fgCount) + 1, 0);
    for (std::size_t i = 0; i < n; ++i)
        if (nuclei[i] > 0 && fg[i]) {
            markers[i] = nuclei[i];
            componentHasNucleus[static_cast<std::size_t>(fgComponents[i])] = 1;
        }
    std::vector<int> extraId(static_cast<std::size_t>(fgCount) + 1, 0);
    int nextId = nucleusCount;
    for (int c = 1; c <= fgCount; ++c)
        if (!componentHasNucleus[static_cast<std::size_t>(c)])
            extraId[static_cast<std::size_t>(c)] = ++nextId;
    for (std::size_t i = 0; i < n; ++i)
        if (fg[i] && markers[i] == 0 && extraId[static_cast<std::size_t>(fgComponents[i])] > 0)
            markers[i] = extraId[static_cast<std::size_t>(fgComponents[i])];

    // Elevation: the plasma-membrane stain peaks where neighbouring cells meet; without it, the
    // inverted distance to the background separates cells at their necks.
    // A segmentation model's cell probability is low where cells meet: its inverse is flooded.
    const auto mem = in.fluorescence.find("membrane");
    const Volume* landscape = in.cellProbability ? in.cellProbability.get()
                              : (mem != in.fluorescence.end() && mem->second) ? mem->second.get()
                                                                               : nullptr;
    std::vector<float> elevation;
    if (landscape) {
        elevation = floatCopy(*landscape);
        seg::smoothGaussianRecursive(elevation, shape, spacing, in.params.membraneSmoothingSigma_um);
        if (in.cellProbability)
            for (float& e : elevation)
                e = -e;
    } else {
        elevation = seg::insideDistance(fg, shape, spacing);
        for (float& e : elevation)
            e = -e;
    }
    // 8-bit elevation (254 levels over the foreground's range) and a background marker one voxel
    // away from the foreground: only the cells are flooded, which is what makes large fields fast.
    // The one-voxel band between them is flooded last, so cells keep their outer surface.
    float lo = std::numeric_limits<float>::infinity(), hi = -lo;
    for (std::size_t i = 0; i < n; ++i)
        if (fg[i]) {
            lo = std::min(lo, elevation[i]);
            hi = std::max(hi, elevation[i]);
        }
    const float scale = hi > lo ? 253.f / (hi - lo) : 0.f;
    std::vector<std::uint8_t> level(n, 255);
    for (std::size_t i = 0; i < n; ++i)
        if (fg[i])
            level[i] = static_cast<std::uint8_t>((elevation[i] - lo) * scale + 0.5f);
    const std::int32_t backgroundMarker = nextId + 1;
    {
        seg::Mask nearFg = fg;  // foreground dilated by one voxel (face neighbours)
        const std::size_t NX = shape[2], plane = shape[1] * shape[2];
        for (std::size_t i = 0; i < n; ++i) {
            if (!fg[i])
                continue;
            const std::size_t x = i % NX, y = (i / NX) % shape[1], z = i / plane;
            if (x > 0) nearFg[i - 1] = 1;
            if (x + 1 < NX) nearFg[i + 1] = 1;
            if (y > 0) nearFg[i - NX] = 1;
            if (y + 1 < shape[1]) nearFg[i + NX] = 1;
            if (z > 0) nearFg[i - plane] = 1;
            if (z + 1 < shape[0]) nearFg[i + plane] = 1;
        }
        for (std::size_t i = 0; i < n; ++i)
            if (!nearFg[i])
                markers[i] = backgroundMarker;
    }
    elevation.clear();
    Labels cells = seg::watershedFromMarkers(level, markers, shape);
    report(0.85, "cells");
    for (std::size_t i = 0; i < n; ++i)
        if (!fg[i] || cells[i] == backgroundMarker)
            cells[i] = 0;

    // 5) Outputs: a nucleus keeps only the voxels inside its own cell; border and size per cell.
    res.cellLabels = Volume::zeros<std::int32_t>(grid);
    res.nucleusLabels = Volume::zeros<std::int32_t>(grid);
    std::int32_t* cl = res.cellLabels.data<std::int32_t>();
    std::int32_t* nl = res.nucleusLabels.data<std::int32_t>();
    std::vector<SegmentedCell> info(static_cast<std::size_t>(nextId) + 1);
    for (std::size_t i = 0; i < n; ++i) {
        cl[i] = cells[i];
        nl[i] = (nuclei[i] > 0 && nuclei[i] == cells[i]) ? nuclei[i] : 0;
        if (cells[i] > 0) {
            SegmentedCell& c = info[static_cast<std::size_t>(cells[i])];
            ++c.voxels;
            if (nl[i] > 0)
                c.hasNucleus = true;
            const std::size_t x = i % shape[2], y = (i / shape[2]) % shape[1];
            if (x == 0 || y == 0 || x + 1 == shape[2] || y + 1 == shape[1])
                c.touchesBorder = true;
        }
    }
    for (int id = 1; id <= nextId; ++id) {
        SegmentedCell c = info[static_cast<std::size_t>(id)];
        if (c.voxels == 0)
            continue;
        c.id = id;
        res.cells.push_back(c);
    }
    for (auto& [name, m] : masks) {
        Volume v = Volume::zeros<std::uint8_t>(grid);
        std::copy(m.begin(), m.end(), v.data<std::uint8_t>());
        res.masks.emplace(name, std::move(v));
    }
    report(1.0, "done");
    return res;
}

} // namespace rfx
