#include "core/prediction/PredictionSink.h"

#include <algorithm>

namespace rfx {

void MemoryPredictionSink::begin(const std::vector<PredictionMap>& m, const Grid& grid)
{
    maps = m;
    volumes.clear();
    for (std::size_t i = 0; i < m.size(); ++i)
        volumes.push_back(Volume::zeros<float>(grid));
}

void MemoryPredictionSink::write(std::size_t map, std::size_t y0, const Volume& block)
{
    Volume& v = volumes.at(map);
    const auto& s = v.shape();
    const std::size_t rows = block.shape()[1];
    const float* src = block.data<float>();
    float* dst = v.data<float>();
    for (std::size_t z = 0; z < s[0]; ++z)
        for (std::size_t y = 0; y < rows; ++y)
            std::copy(src + (z * rows + y) * s[2], src + (z * rows + y + 1) * s[2], dst + v.grid().index(z, y0 + y, 0));
}

} // namespace rfx

#include "core/prediction/ResultsPredictionSink.h"

namespace rfx {

ChannelInfo predictionChannelInfo(const PredictionMap& map, const Grid& grid, const std::vector<double>& times)
{
    ChannelInfo c;
    c.name = map.name;
    c.role = map.role;
    c.derivedFrom = map.derivedFrom;
    c.unit = map.role == ChannelRole::Probability ? "probability" : "a.u.";
    c.grid = grid;
    c.times_s = times;
    c.display = defaultDisplayFor(map.name, map.role);
    return c;
}

} // namespace rfx
