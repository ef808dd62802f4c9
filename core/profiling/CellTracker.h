#pragma once
// Links cells between consecutive frames of a time-lapse: the Hungarian algorithm on a cost of
// (1 − IoU) plus the centroid distance relative to a gate; pairs with no overlap farther apart than
// the gate are never linked. An unlinked cell that overlaps a linked cell's predecessor more than
// anything else is a division: both daughters start new tracks whose parent is the mother's track.
#include <array>
#include <map>
#include <vector>

#include "core/model/Volume.h"

namespace rfx {

struct TrackedCell {
    int cellId = 0;   // label in its frame
    int trackId = 0;  // stable across frames until a division
    int parentId = 0; // the mother's track id in every frame of a daughter's track, else 0
};

struct TrackerParams {
    double maxDistance_um = 10;  // centroid gate
    double minOverlapForDivision = 0.2;  // fraction of the daughter inside the mother's previous label
};

class CellTracker {
public:
    explicit CellTracker(TrackerParams params = {});

    // Adds the next frame (labels, int); returns its cells with track ids, by ascending cell id.
    std::vector<TrackedCell> addFrame(const Volume& cellLabels);

private:
    struct Cell {
        int id = 0;
        std::size_t voxels = 0;
        std::array<double, 3> centroid{};
        int track = 0;
    };
    TrackerParams params_;
    Volume previous_;
    std::vector<Cell> previousCells_;
    int nextTrack_ = 1;
    std::map<int, int> parentOfTrack_;
};

} // namespace rfx
