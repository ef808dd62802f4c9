#pragma once
// Where a prediction's finished blocks go. The predictor streams: each block is final when
// written (full z and x extent, a range of y rows), so a results file can be filled as patches
// complete and memory stays bounded by one row of patches.
#include <cstddef>
#include <string>
#include <vector>

#include "core/model/Channel.h"
#include "core/model/Volume.h"

namespace rfx {

struct PredictionMap {
    std::string name;         // "nucleus", "nucleus_data_std", "nucleus_model_std"
    ChannelRole role;         // PredictedFluorescence, Uncertainty, Probability, ...
    std::string derivedFrom;  // for uncertainty maps: the prediction they belong to
};

class PredictionSink {
public:
    virtual ~PredictionSink() = default;
    virtual void begin(const std::vector<PredictionMap>& maps, const Grid& grid) = 0;
    // Rows [y0, y0 + block.shape()[1]) of map `map`, all z and x.
    virtual void write(std::size_t map, std::size_t y0, const Volume& block) = 0;
};

// Collects whole volumes in memory (GUI, tests, resampling back to the input grid).
class MemoryPredictionSink : public PredictionSink {
public:
    void begin(const std::vector<PredictionMap>& maps, const Grid& grid) override;
    void write(std::size_t map, std::size_t y0, const Volume& block) override;
    std::vector<PredictionMap> maps;
    std::vector<Volume> volumes;  // one float32 volume per map
};

} // namespace rfx
