#pragma once
// Writer of the project's results HDF5 (layout: docs/file-format.md). Everything goes to a
// temporary file beside the destination; commit() renames it into place, so an interrupted or
// cancelled run never leaves a half-written result. Frames can be written whole or slab by slab
// (z ranges) for streaming predictions of large fields of view.
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/io/AtomicFile.h"
#include "core/io/Hdf5Util.h"
#include "core/model/Dataset.h"
#include "core/util/Progress.h"

namespace rfx {

// Columns of a numeric table stored under /tables/<name>.
struct ResultsTable {
    std::vector<std::string> columns;
    std::vector<std::string> units;           // same length as columns (may hold empty strings)
    std::vector<std::vector<double>> values;  // values[column][row]
    std::vector<std::string> rowLabels;       // optional text column (e.g. source file)
    // Further named text columns (e.g. condition), one entry per row; listed in the group's
    // "text_columns" attribute.
    std::vector<std::pair<std::string, std::vector<std::string>>> textColumns;
};

class ResultsWriter {
public:
    static constexpr const char* kFormatName = "refractome-results";
    static constexpr int kFormatVersion = 1;

    explicit ResultsWriter(const std::string& path);
    ~ResultsWriter();
    ResultsWriter(const ResultsWriter&) = delete;
    ResultsWriter& operator=(const ResultsWriter&) = delete;

    void setSource(const std::string& sourceFile);
    void setMediumRI(double n);
    void setMetadata(const std::string& key, const std::string& value);

    // Declares a channel (name, role, unit, grid, times, display). Frames are stored with `stored`
    // type; vector channels keep their components as the last axis.
    void addChannel(const ChannelInfo& info, VoxelType stored);
    // Writes one whole frame; the volume's shape must match the channel's grid.
    void writeFrame(const std::string& channel, std::size_t frame, const Volume& volume);
    // Writes z-slices [z0, z0 + slab.shape()[0]) of a frame (creates the frame dataset on first use).
    void writeSlab(const std::string& channel, std::size_t frame, std::size_t z0, const Volume& slab);
    // Writes a box of a frame whose first voxel lies at `offset` (z, y, x): streaming outputs.
    void writeBlock(const std::string& channel, std::size_t frame, const std::array<std::size_t, 3>& offset,
                    const Volume& block);
    void writeTable(const std::string& name, const ResultsTable& table);
    // Stores a free-form text document, e.g. JSON of parameters, under /documents/<name>.
    void writeText(const std::string& name, const std::string& text);

    // Flushes, closes and atomically moves the file into place.
    void commit();
    const std::string& path() const { return atomic_.finalPath(); }

private:
    struct ChannelState {
        ChannelInfo info;
        VoxelType stored;
        h5::Handle group;
    };
    h5::Handle frameDataset(ChannelState& ch, std::size_t frame);

    AtomicFile atomic_;
    h5::Handle file_;
    std::map<std::string, ChannelState> channels_;
    std::vector<std::string> order_;
};

// Writes the selected channels and frames of any dataset to a results file.
// channels empty = all; frames empty = all. `extra` may add tables and documents before commit.
void writeResults(const std::string& path, const Dataset& ds, const std::vector<std::size_t>& channels = {},
                  const std::vector<std::size_t>& frames = {}, const ProgressFn& progress = {},
                  const CancelToken& cancel = {}, const std::function<void(ResultsWriter&)>& extra = {});

} // namespace rfx
