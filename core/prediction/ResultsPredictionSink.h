#pragma once
// Streams a prediction's blocks into a ResultsWriter frame as they complete.
#include <string>
#include <vector>

#include "core/io/ResultsWriter.h"
#include "core/prediction/PredictionSink.h"

namespace rfx {

class ResultsPredictionSink : public PredictionSink {
public:
    // Channels named after the maps must already be declared in `writer`.
    ResultsPredictionSink(ResultsWriter& writer, std::size_t frame) : writer_(writer), frame_(frame) {}
    void begin(const std::vector<PredictionMap>& maps, const Grid&) override { maps_ = maps; }
    void write(std::size_t map, std::size_t y0, const Volume& block) override
    {
        writer_.writeBlock(maps_.at(map).name, frame_, {0, y0, 0}, block);
    }

private:
    ResultsWriter& writer_;
    std::size_t frame_;
    std::vector<PredictionMap> maps_;
};

// Channel metadata for a prediction map on `grid` with `times`.
ChannelInfo predictionChannelInfo(const PredictionMap& map, const Grid& grid, const std::vector<double>& times);

} // namespace rfx
