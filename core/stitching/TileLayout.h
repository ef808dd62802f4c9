#pragma once
// Approximate (nominal) tile positions, in voxels relative to the first tile: from the tiles'
// origins when they differ, else from a COLS×ROWS grid (row-major, in the order given) with a
// fractional overlap between neighbours.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/model/Grid.h"

namespace rfx {

struct TileGridLayout {
    int columns = 0;
    int rows = 0;
    double overlap = 0.1;  // fraction of a tile's width shared with its neighbour
};

// Parses "COLSxROWS" (e.g. "2x2"); throws InputError naming `option`.
TileGridLayout parseTileGrid(const std::string& text, double overlap, const std::string& option);

// names: one per tile, for messages. A given layout wins over the origins. Throws InputError for
// fewer than two tiles, different voxel spacings, or unknown positions (equal origins, no layout).
std::vector<std::array<double, 3>> nominalTilePositions(const std::vector<Grid>& tiles,
                                                        const std::optional<TileGridLayout>& layout,
                                                        const std::vector<std::string>& names);

} // namespace rfx
