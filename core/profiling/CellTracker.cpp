#include "core/profiling/CellTracker.h"

#include <cmath>

#include "core/analysis/Hungarian.h"
#include "core/util/Errors.h"

namespace rfx {

CellTracker::CellTracker(TrackerParams params) : params_(params) {}

std::vector<TrackedCell> CellTracker::addFrame(const Volume& labels)
{
    const Grid& g = labels.grid();
    if (!previous_.empty() && !previous_.grid().sameShape(g))
        throw InputError("tracking: frames differ in shape");
    const std::size_t NX = g.shape[2], NY = g.shape[1], n = g.voxels();
    std::map<int, Cell> now;
    std::map<std::pair<int, int>, std::size_t> overlap;  // (previous id, current id) -> voxels
    for (std::size_t i = 0; i < n; ++i) {
        const int id = static_cast<int>(labels.valueAt(i));
        if (id <= 0)
            continue;
        Cell& c = now[id];
        c.id = id;
        ++c.voxels;
        c.centroid[0] += static_cast<double>(i % NX) * g.spacing_um[2];
        c.centroid[1] += static_cast<double>((i / NX) % NY) * g.spacing_um[1];
        c.centroid[2] += static_cast<double>(i / (NX * NY)) * g.spacing_um[0];
        if (!previous_.empty()) {
            const int p = static_cast<int>(previous_.valueAt(i));
            if (p > 0)
                ++overlap[{p, id}];
        }
    }
    std::vector<Cell> cur;
    for (auto& [id, c] : now) {
        for (double& v : c.centroid)
            v /= static_cast<double>(c.voxels);
        cur.push_back(c);
    }

    const std::size_t P = previousCells_.size(), C = cur.size();
    std::vector<int> match(C, -1);  // current -> previous index
    if (P > 0 && C > 0) {
        std::map<int, std::size_t> prevIndex;
        for (std::size_t a = 0; a < P; ++a)
            prevIndex[previousCells_[a].id] = a;
        std::map<int, std::size_t> curIndex;
        for (std::size_t b = 0; b < C; ++b)
            curIndex[cur[b].id] = b;
        std::vector<std::vector<double>> ov(P, std::vector<double>(C, 0));
        for (const auto& [key, v] : overlap)
            ov[prevIndex[key.first]][curIndex[key.second]] = static_cast<double>(v);
        constexpr double kForbidden = 1e9;
        std::vector<std::vector<double>> cost(P, std::vector<double>(C, kForbidden));
        for (std::size_t a = 0; a < P; ++a)
            for (std::size_t b = 0; b < C; ++b) {
                const auto& p = previousCells_[a].centroid;
                const auto& q = cur[b].centroid;
                const double d = std::sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) +
                                           (p[2] - q[2]) * (p[2] - q[2]));
                const double iou =
                    ov[a][b] / (static_cast<double>(previousCells_[a].voxels + cur[b].voxels) - ov[a][b]);
                if (iou > 0 || d <= params_.maxDistance_um)
                    cost[a][b] = (1 - iou) + d / params_.maxDistance_um;
            }
        const std::vector<int> assign = solveAssignment(cost, kForbidden);
        for (std::size_t a = 0; a < P; ++a)
            if (assign[a] >= 0)
                match[static_cast<std::size_t>(assign[a])] = static_cast<int>(a);
        // Divisions: an unmatched cell lying mostly inside a previous cell that also continues.
        std::vector<std::vector<std::size_t>> daughters(P);
        for (std::size_t b = 0; b < C; ++b) {
            if (match[b] >= 0)
                continue;
            std::size_t best = P;
            double bestOv = 0;
            for (std::size_t a = 0; a < P; ++a)
                if (ov[a][b] > bestOv) {
                    bestOv = ov[a][b];
                    best = a;
                }
            if (best < P && bestOv >= params_.minOverlapForDivision * static_cast<double>(cur[b].voxels) &&
                assign[best] >= 0)
                daughters[best].push_back(b);
        }
        std::vector<TrackedCell> out(C);
        for (std::size_t b = 0; b < C; ++b)
            out[b].cellId = cur[b].id;
        std::vector<char> done(C, 0);
        for (std::size_t a = 0; a < P; ++a) {
            if (daughters[a].empty())
                continue;
            daughters[a].push_back(static_cast<std::size_t>(assign[a]));  // the sister that kept the match
            for (std::size_t b : daughters[a]) {
                cur[b].track = nextTrack_++;
                out[b].trackId = cur[b].track;
                out[b].parentId = previousCells_[a].track;
                parentOfTrack_[cur[b].track] = out[b].parentId;
                done[b] = 1;
            }
        }
        for (std::size_t b = 0; b < C; ++b) {
            if (done[b])
                continue;
            cur[b].track = match[b] >= 0 ? previousCells_[static_cast<std::size_t>(match[b])].track : nextTrack_++;
            out[b].trackId = cur[b].track;
            if (const auto it = parentOfTrack_.find(cur[b].track); it != parentOfTrack_.end())
                out[b].parentId = it->second;
        }
        previous_ = labels;
        previousCells_ = cur;
        return out;
    }
    std::vector<TrackedCell> out(C);
    for (std::size_t b = 0; b < C; ++b) {
        cur[b].track = nextTrack_++;
        out[b] = {cur[b].id, cur[b].track, 0};
    }
    previous_ = labels;
    previousCells_ = cur;
    return out;
}

} // namespace rfx
