#include "core/stitching/TileStitcher.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/stitching/GlobalPlacement.h"
#include "core/stitching/PhaseCorrelation.h"
#include "core/stitching/TileBlender.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {
// Weight of a pair whose overlap is too featureless to register: it keeps the tiles at their
// nominal offset without overruling pairs that did register.
constexpr double kFallbackWeight = 0.01;

int registrationChannel(const Dataset& ds, const std::string& wanted)
{
    if (!wanted.empty()) {
        const int c = ds.channelIndex(wanted);
        if (c < 0)
            throw inputError(ds.path(), "no channel named '" + wanted + "'");
        return c;
    }
    const int ri = ds.firstChannelWithRole(ChannelRole::RefractiveIndex);
    return ri >= 0 ? ri : 0;
}

Volume crop(const Volume& v, const std::array<long, 3>& lo, const std::array<long, 3>& extent)
{
    Grid g = v.grid();
    g.shape = {std::size_t(extent[0]), std::size_t(extent[1]), std::size_t(extent[2])};
    Volume out(g, v.type());
    const std::size_t vs = voxelTypeSize(v.type());
    const auto* src = static_cast<const unsigned char*>(v.raw());
    auto* dst = static_cast<unsigned char*>(out.raw());
    for (long z = 0; z < extent[0]; ++z)
        for (long y = 0; y < extent[1]; ++y) {
            const std::size_t s = v.grid().index(std::size_t(z + lo[0]), std::size_t(y + lo[1]), std::size_t(lo[2]));
            std::memcpy(dst + g.index(std::size_t(z), std::size_t(y), 0) * vs, src + s * vs, std::size_t(extent[2]) * vs);
        }
    return out;
}
} // namespace

StitchResult stitchTiles(const StitchInputs& in, const ProgressFn& progress, const CancelToken& cancel)
{
    const std::size_t n = in.tiles.size();
    if (n < 2)
        throw InputError("stitching needs at least two tiles");
    std::vector<int> channel(n);
    std::vector<Grid> grids(n);
    std::vector<std::string> names(n);
    for (std::size_t i = 0; i < n; ++i) {
        const Dataset& ds = *in.tiles[i];
        names[i] = ds.path().empty() ? "tile " + std::to_string(i + 1) : ds.path();
        channel[i] = registrationChannel(ds, in.channel);
        const ChannelInfo& ch = ds.channel(std::size_t(channel[i]));
        if (ch.components != 1)
            throw inputError(names[i], "channel '" + ch.name + "' is a vector field; stitching takes scalar channels");
        if (in.frame >= ch.frames())
            throw inputError(names[i], "channel '" + ch.name + "' has no frame " + std::to_string(in.frame));
        grids[i] = ch.grid;
    }
    StitchResult result;
    result.mediumRI = in.tiles[0]->info().mediumRI;
    result.nominal = nominalTilePositions(grids, in.layout, names);

    std::vector<VolumePtr> volumes(n);
    for (std::size_t i = 0; i < n; ++i) {
        cancel.check();
        volumes[i] = in.tiles[i]->frame(std::size_t(channel[i]), in.frame);
        grids[i].shape = volumes[i]->shape();
    }

    // Pairs: tiles whose nominal boxes share at least minOverlap voxels along every axis.
    std::vector<std::array<long, 3>> start(n);
    for (std::size_t i = 0; i < n; ++i)
        for (int d = 0; d < 3; ++d)
            start[i][d] = std::lround(result.nominal[i][d]);
    struct Candidate {
        std::size_t a, b;
        std::array<long, 3> lo, extent;
    };
    std::vector<Candidate> candidates;
    for (std::size_t a = 0; a < n; ++a)
        for (std::size_t b = a + 1; b < n; ++b) {
            Candidate c{a, b, {}, {}};
            bool overlaps = true;
            for (int d = 0; d < 3; ++d) {
                c.lo[d] = std::max(start[a][d], start[b][d]);
                c.extent[d] = std::min(start[a][d] + long(grids[a].shape[d]), start[b][d] + long(grids[b].shape[d])) - c.lo[d];
                overlaps = overlaps && c.extent[d] >= long(in.minOverlap);
            }
            if (overlaps)
                candidates.push_back(c);
        }

    for (std::size_t i = 0; i < n; ++i) {
        const bool connected = std::any_of(candidates.begin(), candidates.end(),
                                           [i](const Candidate& c) { return c.a == i || c.b == i; });
        if (!connected)
            throw inputError(names[i], "does not overlap any other tile (at least " + std::to_string(in.minOverlap) +
                                           " voxels per axis needed)");
    }

    std::array<double, 3> feather{0, 0, 0};
    PlacementInputs placement;
    placement.tiles = n;
    placement.anchorPosition = result.nominal[0];
    for (std::size_t k = 0; k < candidates.size(); ++k) {
        cancel.check();
        const Candidate& c = candidates[k];
        std::array<long, 3> loA, loB;
        for (int d = 0; d < 3; ++d) {
            loA[d] = c.lo[d] - start[c.a][d];
            loB[d] = c.lo[d] - start[c.b][d];
        }
        const PhaseCorrelationResult pc = phaseCorrelate(crop(*volumes[c.a], loA, c.extent), crop(*volumes[c.b], loB, c.extent));
        StitchPair pair;
        pair.a = c.a;
        pair.b = c.b;
        pair.correlation = pc.correlation;
        pair.used = pc.found && pc.correlation >= in.minCorrelation;
        PairConstraint constraint{c.a, c.b, {}, pair.used ? pc.correlation : kFallbackWeight};
        for (int d = 0; d < 3; ++d) {
            pair.nominal[d] = result.nominal[c.b][d] - result.nominal[c.a][d];
            // Crop b shows crop a moved by `shift`, i.e. tile b sits `shift` before its nominal place.
            pair.measured[d] = double(start[c.b][d] - start[c.a][d]) - pc.shift[d];
            constraint.offset[d] = pair.used ? pair.measured[d] : pair.nominal[d];
            // Feather along the axes the two tiles are displaced in, over the narrowest such overlap.
            const bool seam = c.extent[d] < long(std::min(grids[c.a].shape[d], grids[c.b].shape[d]));
            if (seam)
                feather[d] = feather[d] == 0 ? double(c.extent[d]) : std::min(feather[d], double(c.extent[d]));
        }
        placement.pairs.push_back(constraint);
        result.pairs.push_back(pair);
        if (progress)
            progress(0.7 * double(k + 1) / double(candidates.size()), "registering pair " + std::to_string(k + 1) + "/" +
                                                                          std::to_string(candidates.size()));
    }
    result.positions = solvePlacement(placement);
    for (StitchPair& p : result.pairs) {
        double s = 0;
        for (int d = 0; d < 3; ++d)
            s += std::pow(result.positions[p.b][d] - result.positions[p.a][d] - p.measured[d], 2);
        p.residual = std::sqrt(s);
    }

    // Integer placement: no resampling, so stitched voxels are input voxels (≤ 0.5 voxel error).
    std::array<long, 3> lo{std::numeric_limits<long>::max(), std::numeric_limits<long>::max(), std::numeric_limits<long>::max()};
    std::array<long, 3> hi{std::numeric_limits<long>::min(), std::numeric_limits<long>::min(), std::numeric_limits<long>::min()};
    std::vector<std::array<long, 3>> placed(n);
    for (std::size_t i = 0; i < n; ++i)
        for (int d = 0; d < 3; ++d) {
            placed[i][d] = std::lround(result.positions[i][d]);
            lo[d] = std::min(lo[d], placed[i][d]);
            hi[d] = std::max(hi[d], placed[i][d] + long(grids[i].shape[d]));
        }
    Grid mosaic = grids[0];
    for (int d = 0; d < 3; ++d) {
        mosaic.shape[d] = std::size_t(hi[d] - lo[d]);
        // Tile 1's voxel 0 sits at its own origin; the mosaic starts lo − placed[0] voxels from there.
        mosaic.origin_um[d] = grids[0].origin_um[d] + double(lo[d] - placed[0][d]) * grids[0].spacing_um[d];
    }
    result.offsets.resize(n);
    for (std::size_t i = 0; i < n; ++i)
        for (int d = 0; d < 3; ++d)
            result.offsets[i][d] = placed[i][d] - lo[d];

    // Channels to compose: the registered one, then (allChannels) the others every tile shares.
    std::vector<std::string> outNames{in.tiles[0]->channel(std::size_t(channel[0])).name};
    if (in.allChannels) {
        const Dataset& first = *in.tiles[0];
        for (std::size_t c = 0; c < first.channelCount(); ++c) {
            const ChannelInfo& ch = first.channel(c);
            if (ch.name == outNames[0])
                continue;
            bool ok = ch.components == 1;
            for (std::size_t i = 0; i < n && ok; ++i) {
                const int k = in.tiles[i]->channelIndex(ch.name);
                ok = k >= 0 && in.tiles[i]->channel(std::size_t(k)).components == 1 &&
                     in.tiles[i]->channel(std::size_t(k)).grid.shape == grids[i].shape &&
                     in.frame < in.tiles[i]->channel(std::size_t(k)).frames();
            }
            (ok ? outNames : result.skippedChannels).push_back(ch.name);
        }
    }
    for (std::size_t k = 0; k < outNames.size(); ++k) {
        const ChannelInfo& proto = in.tiles[0]->channel(std::size_t(in.tiles[0]->channelIndex(outNames[k])));
        std::vector<VolumePtr> frames(n);
        BlendInputs blend;
        blend.grid = mosaic;
        blend.featherWidth = feather;
        blend.labels = proto.role == ChannelRole::Labels;
        // Where no tile reaches, RI takes the medium's value rather than an impossible 0.
        blend.fill = proto.role == ChannelRole::RefractiveIndex ? float(result.mediumRI) : 0.f;
        for (std::size_t i = 0; i < n; ++i) {
            frames[i] = k == 0 ? volumes[i] : in.tiles[i]->frame(std::size_t(in.tiles[i]->channelIndex(outNames[k])), in.frame);
            blend.tiles.push_back({frames[i].get(), result.offsets[i]});
        }
        const double begin = 0.7 + 0.3 * double(k) / double(outNames.size());
        const double end = 0.7 + 0.3 * double(k + 1) / double(outNames.size());
        Volume v = blendTiles(blend, subProgress(progress, begin, end), cancel);
        v.grid() = mosaic;
        ChannelInfo info = proto;
        info.grid = mosaic;
        info.times_s = {proto.times_s.at(in.frame)};
        result.channels.push_back(info);
        result.volumes.push_back(std::move(v));
    }
    return result;
}

} // namespace rfx
