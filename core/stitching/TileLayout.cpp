#include "core/stitching/TileLayout.h"

#include <cmath>

#include "core/util/Errors.h"

namespace rfx {

TileGridLayout parseTileGrid(const std::string& text, double overlap, const std::string& option)
{
    TileGridLayout g;
    g.overlap = overlap;
    const auto x = text.find_first_of("xX");
    try {
        std::size_t used = 0;
        if (x == std::string::npos)
            throw std::invalid_argument("no x");
        g.columns = std::stoi(text.substr(0, x), &used);
        if (used != x)
            throw std::invalid_argument("junk");
        g.rows = std::stoi(text.substr(x + 1), &used);
        if (used != text.size() - x - 1)
            throw std::invalid_argument("junk");
    } catch (const std::exception&) {
        throw InputError(option + ": expected COLSxROWS, e.g. 2x2");
    }
    if (g.columns < 1 || g.rows < 1 || g.columns * g.rows < 2)
        throw InputError(option + ": the grid must hold at least two tiles");
    if (!(overlap > 0 && overlap < 1))
        throw InputError("--overlap: must be a fraction between 0 and 1");
    return g;
}

std::vector<std::array<double, 3>> nominalTilePositions(const std::vector<Grid>& tiles,
                                                        const std::optional<TileGridLayout>& layout,
                                                        const std::vector<std::string>& names)
{
    if (tiles.size() < 2)
        throw InputError("stitching needs at least two tiles");
    const Grid& first = tiles.front();
    bool originsDiffer = false;
    for (std::size_t i = 1; i < tiles.size(); ++i) {
        for (int d = 0; d < 3; ++d) {
            if (std::abs(tiles[i].spacing_um[d] - first.spacing_um[d]) > 1e-6 * first.spacing_um[d])
                throw inputError(names.at(i), "voxel spacing differs from " + names.front() + "'s");
            // Sub-voxel origin differences are rounding, not a layout.
            originsDiffer |= std::abs(tiles[i].origin_um[d] - first.origin_um[d]) > 0.5 * first.spacing_um[d];
        }
    }
    std::vector<std::array<double, 3>> pos(tiles.size(), {0, 0, 0});
    if (layout) {
        if (std::size_t(layout->columns) * std::size_t(layout->rows) != tiles.size())
            throw InputError("--grid: " + std::to_string(layout->columns) + "x" + std::to_string(layout->rows) +
                             " does not match " + std::to_string(tiles.size()) + " tiles");
        const double stepY = std::round(double(first.shape[1]) * (1 - layout->overlap));
        const double stepX = std::round(double(first.shape[2]) * (1 - layout->overlap));
        for (std::size_t i = 0; i < tiles.size(); ++i)
            pos[i] = {0, double(i / std::size_t(layout->columns)) * stepY, double(i % std::size_t(layout->columns)) * stepX};
        return pos;
    }
    if (!originsDiffer)
        throw InputError("tile positions unknown: all tiles have the same origin; give --grid COLSxROWS and --overlap F");
    for (std::size_t i = 0; i < tiles.size(); ++i)
        for (int d = 0; d < 3; ++d)
            pos[i][d] = (tiles[i].origin_um[d] - first.origin_um[d]) / first.spacing_um[d];
    return pos;
}

} // namespace rfx
