#include "core/io/ResultsReader.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/util/Errors.h"

namespace rfx {

namespace {

VoxelType voxelTypeOf(hid_t dtype, const std::string& where)
{
    std::lock_guard<std::recursive_mutex> lock(h5::mutex());
    const H5T_class_t cls = H5Tget_class(dtype);
    const std::size_t size = H5Tget_size(dtype);
    if (cls == H5T_FLOAT && (size == 4 || size == 8))
        return VoxelType::Float32;
    if (cls == H5T_INTEGER) {
        const bool isSigned = H5Tget_sign(dtype) == H5T_SGN_2;
        if (!isSigned && size == 1)
            return VoxelType::UInt8;
        if (!isSigned && size == 2)
            return VoxelType::UInt16;
        if (size <= 4)
            return VoxelType::Int32;
    }
    throw InputError(where + ": unsupported voxel type");
}

template <std::size_t N> std::array<double, N> toArray(const std::vector<double>& v, const std::string& where)
{
    if (v.size() != N)
        throw InputError(where + ": expected " + std::to_string(N) + " values");
    std::array<double, N> a{};
    std::copy(v.begin(), v.end(), a.begin());
    return a;
}

class ResultsFrameSource : public FrameSource {
public:
    ResultsFrameSource(std::string path, std::vector<ChannelInfo> channels, std::vector<std::vector<std::string>> frames)
        : path_(std::move(path)), channels_(std::move(channels)), frames_(std::move(frames))
    {
    }

    Volume readFrame(std::size_t c, std::size_t t) const override
    {
        std::lock_guard<std::recursive_mutex> lock(h5::mutex());
        h5::Handle file = h5::openReadOnly(path_);
        const ChannelInfo& info = channels_.at(c);
        const std::string dsPath = "/channels/" + info.name + "/" + frames_.at(c).at(t);
        h5::Handle d = h5::openDataset(file, dsPath, path_);
        const auto dims = h5::datasetDims(d);
        const std::size_t rank = info.components > 1 ? 4 : 3;
        if (dims.size() != rank || dims[0] != info.grid.shape[0] || dims[1] != info.grid.shape[1] ||
            dims[2] != info.grid.shape[2] || (rank == 4 && dims[3] != static_cast<hsize_t>(info.components)))
            throw inputError(path_, "dataset '" + dsPath + "' does not match the channel's declared shape");
        h5::Handle dtype(H5Dget_type(d));
        const VoxelType type = voxelTypeOf(dtype, path_ + ": " + dsPath);
        checkAllocatable(info.grid.shape, type, info.components, path_);
        Volume v(info.grid, type, info.components);
        if (H5Dread(d, h5::nativeType(type), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.raw()) < 0)
            throw inputError(path_, "cannot read '" + dsPath + "' (" + h5::lastErrorText() + ")");
        if (v.nonFiniteCount() && info.role == ChannelRole::RefractiveIndex)
            throw inputError(path_, "channel '" + info.name + "' frame " + std::to_string(t) + " has " +
                                        std::to_string(v.nonFiniteCount()) + " NaN/Inf voxels");
        return v;
    }

private:
    std::string path_;
    std::vector<ChannelInfo> channels_;
    std::vector<std::vector<std::string>> frames_;
};

} // namespace

bool isResultsFile(const std::string& path)
{
    if (!h5::isHdf5File(path))
        return false;
    try {
        std::lock_guard<std::recursive_mutex> lock(h5::mutex());
        h5::Handle f = h5::openReadOnly(path);
        return h5::attrString(f, "format") == ResultsWriter::kFormatName;
    } catch (const InputError&) {
        return false;
    }
}

DatasetPtr openResults(const std::string& path)
{
    std::lock_guard<std::recursive_mutex> lock(h5::mutex());
    h5::Handle f = h5::openReadOnly(path);
    if (h5::attrString(f, "format") != ResultsWriter::kFormatName)
        throw inputError(path, "not a Refractome results file");
    const double version = h5::attrDoubleOr(f, "format_version", 0);
    if (version > ResultsWriter::kFormatVersion)
        throw inputError(path, "results format version " + std::to_string(int(version)) +
                                   " is newer than this Refractome understands");
    DatasetInfo info;
    info.path = path;
    info.format = "results-h5";
    info.mediumRI = h5::attrDoubleOr(f, "medium_ri", 1.337);
    info.metadata["source"] = h5::attrString(f, "source");
    info.metadata["software"] = h5::attrString(f, "software");

    h5::Handle channels = h5::openGroup(f, "/channels", path);
    std::vector<std::pair<double, std::string>> ordered;
    for (const auto& name : h5::children(channels)) {
        if (!h5::isGroup(channels, name))
            continue;
        h5::Handle g = h5::openGroup(channels, name, path);
        ordered.emplace_back(h5::attrDoubleOr(g, "index", 1e9), name);
    }
    std::sort(ordered.begin(), ordered.end());
    std::vector<std::vector<std::string>> frameNames;
    for (const auto& [idx, name] : ordered) {
        h5::Handle g = h5::openGroup(channels, name, path);
        const std::string where = path + ": channel '" + name + "'";
        ChannelInfo ch;
        ch.name = name;
        ch.role = channelRoleFromName(h5::attrString(g, "role"));
        ch.unit = h5::attrString(g, "unit");
        ch.derivedFrom = h5::attrString(g, "derived_from");
        ch.components = static_cast<int>(h5::attrDouble(g, "components", where));
        if (ch.components < 1 || ch.components > 16)
            throw InputError(where + ": invalid component count");
        const auto shape = toArray<3>(h5::attrDoubles(g, "shape", where), where + " shape");
        for (int i = 0; i < 3; ++i) {
            if (!(shape[i] >= 1 && shape[i] < 1e9) || std::floor(shape[i]) != shape[i])
                throw InputError(where + ": invalid shape");
            ch.grid.shape[i] = static_cast<std::size_t>(shape[i]);
        }
        checkAllocatable(ch.grid.shape, VoxelType::UInt8, ch.components, where);
        ch.grid.spacing_um = toArray<3>(h5::attrDoubles(g, "spacing_um", where), where + " spacing");
        if (h5::hasAttr(g, "origin_um"))
            ch.grid.origin_um = toArray<3>(h5::attrDoubles(g, "origin_um", where), where + " origin");
        std::vector<std::string> frames;
        for (const auto& child : h5::children(g))
            if (h5::isDataset(g, child))
                frames.push_back(child);
        std::sort(frames.begin(), frames.end());
        const auto times = h5::attrDoubles(g, "times_s", where);
        const std::size_t declared = static_cast<std::size_t>(h5::attrDoubleOr(g, "frame_count", double(frames.size())));
        if (frames.size() != declared)
            throw InputError(where + ": declares " + std::to_string(declared) + " frames but holds " +
                             std::to_string(frames.size()) + " (incomplete file?)");
        for (std::size_t t = 0; t < frames.size(); ++t)
            ch.times_s.push_back(t < times.size() ? times[t] : double(t));
        ch.display = defaultDisplayFor(ch.name, ch.role);
        if (h5::hasAttr(g, "display_color")) {
            auto c = toArray<3>(h5::attrDoubles(g, "display_color", where), where + " colour");
            ch.display.color = {float(c[0]), float(c[1]), float(c[2])};
        }
        if (h5::hasAttr(g, "display_window")) {
            auto w = toArray<2>(h5::attrDoubles(g, "display_window", where), where + " window");
            ch.display.windowLow = w[0];
            ch.display.windowHigh = w[1];
        }
        ch.display.colormap = h5::attrString(g, "display_colormap");
        ch.display.gamma = h5::attrDoubleOr(g, "display_gamma", 1.0);
        ch.display.visible = h5::attrDoubleOr(g, "display_visible", 1.0) != 0.0;
        info.channels.push_back(ch);
        frameNames.push_back(frames);
    }
    if (info.channels.empty())
        throw inputError(path, "results file holds no channels");
    auto source = std::make_shared<ResultsFrameSource>(path, info.channels, frameNames);
    return std::make_shared<Dataset>(std::move(info), std::move(source));
}

std::vector<std::string> resultsTableNames(const std::string& path)
{
    std::lock_guard<std::recursive_mutex> lock(h5::mutex());
    h5::Handle f = h5::openReadOnly(path);
    if (!h5::isGroup(f, "/tables"))
        return {};
    h5::Handle g = h5::openGroup(f, "/tables", path);
    return h5::children(g);
}

ResultsTable readResultsTable(const std::string& path, const std::string& name)
{
    std::lock_guard<std::recursive_mutex> lock(h5::mutex());
    h5::Handle f = h5::openReadOnly(path);
    h5::Handle g = h5::openGroup(f, "/tables/" + name, path);
    ResultsTable t;
    const std::string joined = h5::attrString(g, "columns");
    std::size_t start = 0;
    while (start <= joined.size() && !joined.empty()) {
        std::size_t end = joined.find('\n', start);
        if (end == std::string::npos)
            end = joined.size();
        t.columns.push_back(joined.substr(start, end - start));
        start = end + 1;
    }
    std::size_t rows = 0;
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
        h5::Handle d = h5::openDataset(g, t.columns[c], path);
        const auto dims = h5::datasetDims(d);
        if (dims.size() != 1 || (c > 0 && dims[0] != rows) || dims[0] > (hsize_t(1) << 32))
            throw inputError(path, "table '" + name + "' has columns of different lengths");
        rows = dims[0];
        std::vector<double> col(rows);
        if (rows && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, col.data()) < 0)
            throw inputError(path, "cannot read table '" + name + "'");
        t.values.push_back(std::move(col));
        t.units.push_back(h5::attrString(d, "unit"));
    }
    if (h5::isDataset(g, "_row_label")) {
        h5::Handle d = h5::openDataset(g, "_row_label", path);
        const auto dims = h5::datasetDims(d);
        if (dims.size() == 1 && dims[0] == rows) {
            h5::Handle type(H5Tcopy(H5T_C_S1));
            H5Tset_size(type, H5T_VARIABLE);
            H5Tset_cset(type, H5T_CSET_UTF8);
            std::vector<char*> ptrs(rows, nullptr);
            if (rows && H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) >= 0) {
                for (char* p : ptrs)
                    t.rowLabels.emplace_back(p ? p : "");
                h5::Handle space(H5Dget_space(d));
                H5Dvlen_reclaim(type, space, H5P_DEFAULT, ptrs.data());
            }
        }
    }
    return t;
}

std::string readResultsText(const std::string& path, const std::string& name)
{
    std::lock_guard<std::recursive_mutex> lock(h5::mutex());
    h5::Handle f = h5::openReadOnly(path);
    h5::Handle d = h5::openDataset(f, "/documents/" + name, path);
    h5::Handle type(H5Tcopy(H5T_C_S1));
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    char* p = nullptr;
    if (H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &p) < 0)
        throw inputError(path, "cannot read document '" + name + "'");
    std::string s = p ? p : "";
    h5::Handle space(H5Dget_space(d));
    H5Dvlen_reclaim(type, space, H5P_DEFAULT, &p);
    return s;
}

} // namespace rfx
