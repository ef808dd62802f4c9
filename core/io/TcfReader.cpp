#include "core/io/TcfReader.h"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <mutex>

#include "core/io/Hdf5Util.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {

using h5::Handle;

// Messages must stay one line; names and HDF5 texts come from the file.
std::string oneLine(std::string s)
{
    for (char& c : s)
        if (c == '\n' || c == '\r')
            c = ' ';
    return s;
}

std::string fmt(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

std::string shapeText(const std::array<std::size_t, 3>& s)
{
    return std::to_string(s[0]) + "x" + std::to_string(s[1]) + "x" + std::to_string(s[2]);
}

bool allDigits(const std::string& s, std::size_t from = 0)
{
    return s.size() > from && std::all_of(s.begin() + static_cast<std::ptrdiff_t>(from), s.end(),
                                          [](char c) { return c >= '0' && c <= '9'; });
}

// Digit strings in numeric order without converting (names may be longer than any integer).
std::string stripZeros(const std::string& digits)
{
    const std::size_t nz = digits.find_first_not_of('0');
    return nz == std::string::npos ? "0" : digits.substr(nz);
}
bool numericLess(const std::string& a, const std::string& b)
{
    const std::string sa = stripZeros(a), sb = stripZeros(b);
    return sa.size() != sb.size() ? sa.size() < sb.size() : (sa != sb ? sa < sb : a < b);
}

// Children named by digits after `prefix` ("000001", "CH2", "TILE_07"), in numeric order.
std::vector<std::string> numberedChildren(hid_t group, const std::string& prefix)
{
    std::vector<std::string> out;
    for (auto& n : h5::children(group))
        if (n.compare(0, prefix.size(), prefix) == 0 && allDigits(n, prefix.size()))
            out.push_back(n);
    std::sort(out.begin(), out.end(), [&](const std::string& a, const std::string& b) {
        return numericLess(a.substr(prefix.size()), b.substr(prefix.size()));
    });
    return out;
}

std::size_t sizeAttr(hid_t obj, const std::string& name, const std::string& where)
{
    const double v = h5::attrDouble(obj, name, where);
    // 2^40 voxels per axis is far beyond any instrument; the bound keeps the cast defined.
    if (!std::isfinite(v) || v < 1 || v != std::floor(v) || v > 1099511627776.0)
        throw InputError(where + ": attribute '" + name + "' is not a valid size (" + fmt(v) + ")");
    return static_cast<std::size_t>(v);
}

double resolutionAttr(hid_t obj, const std::string& name, const std::string& where)
{
    const double v = h5::attrDouble(obj, name, where);
    if (!std::isfinite(v) || v <= 0 || v > 1e6)
        throw InputError(where + ": attribute '" + name + "' is not a valid resolution (" + fmt(v) + ")");
    return v;
}

long long indexAttr(hid_t obj, const std::string& name, const std::string& where)
{
    const double v = h5::attrDouble(obj, name, where);
    if (!std::isfinite(v) || v != std::floor(v) || std::fabs(v) > 9007199254740992.0)
        throw InputError(where + ": attribute '" + name + "' is not an integer (" + fmt(v) + ")");
    return static_cast<long long>(v);
}

// Metadata text of any attribute: strings as they are, numbers formatted, arrays comma-joined.
std::string attrText(hid_t obj, const std::string& name)
{
    std::string s = h5::attrString(obj, name);
    if (!s.empty())
        return s;
    try {
        std::string out;
        const auto values = h5::attrDoubles(obj, name, "");
        for (std::size_t i = 0; i < values.size() && i < 16; ++i)
            out += (i ? "," : "") + fmt(values[i]);
        return out;
    } catch (const InputError&) {
        return {};
    }
}

herr_t collectName(hid_t, const char* name, const H5A_info_t*, void* data)
{
    static_cast<std::vector<std::string>*>(data)->push_back(name);
    return 0;
}

std::vector<std::string> attrNames(hid_t obj)
{
    std::vector<std::string> names;
    hsize_t idx = 0;
    H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, collectName, &names);
    return names;
}

enum class Kind { RI, Fluorescence, Mip };

// Where one channel's frames live and what they must look like.
struct ChannelPlan {
    std::string group;                // "/Data/3D", "/Data/3DFL/CH0", "/Data/2DMIP"
    std::vector<std::string> frames;  // child names, numeric order
    Grid grid;
    Kind kind = Kind::RI;
    double fill = 0.0;  // value of voxels no tile covers (RI: medium unless the frame says RIMin)
};

// One full-resolution tile, validated: region [offset, offset+extent) of the volume.
struct TilePlan {
    std::string name;
    std::array<std::size_t, 3> offset{}, extent{};
    int rank = 3;
};

class TcfFrameSource : public FrameSource {
public:
    TcfFrameSource(std::string path, Handle file, std::vector<ChannelPlan> plans)
        : path_(std::move(path)), file_(std::move(file)), plans_(std::move(plans))
    {
    }
    ~TcfFrameSource() override
    {
        std::lock_guard<std::recursive_mutex> lock(h5::mutex());
        file_.reset();
    }

    Volume readFrame(std::size_t channel, std::size_t frame) const override { return load(channel, frame, true); }
    // Checks a frame's structure (shape, type, tiles, filters) without reading voxels.
    void inspect(std::size_t channel, std::size_t frame) const { load(channel, frame, false); }

private:
    Volume load(std::size_t channel, std::size_t frame, bool withData) const
    {
        if (channel >= plans_.size() || frame >= plans_[channel].frames.size())
            throw inputError(path_, "no frame " + std::to_string(frame) + " in channel " + std::to_string(channel));
        const ChannelPlan& plan = plans_[channel];
        const std::string& name = plan.frames[frame];
        Ctx ctx{plan, plan.group + "/" + name};
        std::lock_guard<std::recursive_mutex> lock(h5::mutex());
        Handle group = h5::openGroup(file_, plan.group, path_);
        Volume v = h5::isGroup(group, name) ? loadTiled(ctx, group, name, withData)
                                            : loadClassic(ctx, group, name, withData);
        if (withData)
            if (const std::size_t bad = v.nonFiniteCount())
                throw fail(ctx, std::to_string(bad) + " voxel" + (bad == 1 ? " is" : "s are") + " NaN or infinite");
        return v;
    }

    struct Ctx {
        const ChannelPlan& plan;
        std::string where;  // HDF5 path of the frame
    };

    InputError fail(const Ctx& ctx, const std::string& problem) const
    {
        return inputError(path_, oneLine(ctx.where + ": " + problem));
    }
    std::string whereAttr(const Ctx& ctx) const { return oneLine(path_ + ": " + ctx.where); }

    void checkFilters(const Ctx& ctx, hid_t dset) const
    {
        Handle plist(H5Dget_create_plist(dset));
        if (!plist.valid())
            return;  // the read itself will report
        const int n = H5Pget_nfilters(plist);
        for (int i = 0; i < n; ++i) {
            unsigned flags = 0, config = 0;
            std::size_t nelem = 0;
            char name[256] = {};
            const H5Z_filter_t id =
                H5Pget_filter2(plist, static_cast<unsigned>(i), &flags, &nelem, nullptr, sizeof name, name, &config);
            if (id >= 0 && H5Zfilter_avail(id) <= 0)
                throw fail(ctx, "data is compressed with HDF5 filter " + std::to_string(id) +
                                    (name[0] ? " ('" + std::string(name) + "')" : std::string()) +
                                    ", which is not available in this HDF5 installation (install the filter "
                                    "plugin and set HDF5_PLUGIN_PATH)");
        }
    }

    H5T_class_t typeClass(hid_t dset, std::size_t* size = nullptr) const
    {
        Handle type(H5Dget_type(dset));
        if (!type.valid())
            return H5T_NO_CLASS;
        if (size)
            *size = H5Tget_size(type);
        return H5Tget_class(type);
    }

    Volume loadClassic(const Ctx& ctx, hid_t group, const std::string& name, bool withData) const
    {
        const ChannelPlan& plan = ctx.plan;
        Handle d = h5::openDataset(group, name, path_);
        const std::vector<hsize_t> dims = h5::datasetDims(d);
        const auto& s = plan.grid.shape;
        const bool ok = dims.size() == 3 ? dims[0] == s[0] && dims[1] == s[1] && dims[2] == s[2]
                                         : plan.kind == Kind::Mip && dims.size() == 2 && dims[0] == s[1] &&
                                               dims[1] == s[2];
        if (!ok) {
            std::string got;
            for (std::size_t i = 0; i < dims.size(); ++i)
                got += (i ? "x" : "") + std::to_string(dims[i]);
            throw fail(ctx, "data is " + (got.empty() ? std::string("scalar") : got) + " but the header declares " +
                                (plan.kind == Kind::Mip ? std::to_string(s[1]) + "x" + std::to_string(s[2])
                                                        : shapeText(s)));
        }
        const H5T_class_t cls = typeClass(d);
        if (cls != H5T_INTEGER && cls != H5T_FLOAT)
            throw fail(ctx, "unsupported voxel data type (neither integer nor float)");
        checkFilters(ctx, d);
        if (!withData)
            return {};
        Volume v(plan.grid, VoxelType::Float32);
        if (H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.raw()) < 0)
            throw fail(ctx, "cannot read voxel data (HDF5: " + h5::lastErrorText() + ")");
        // The stored type decides, not FormatVersion: integer RI is RI*1e4 (format >= 1.3).
        if (cls == H5T_INTEGER && plan.kind != Kind::Fluorescence) {
            float* p = v.data<float>();
            for (std::size_t i = 0, n = v.voxels(); i < n; ++i)
                p[i] = static_cast<float>(static_cast<double>(p[i]) / 1e4);
        }
        return v;
    }

    Volume loadTiled(const Ctx& ctx, hid_t parent, const std::string& name, bool withData) const
    {
        const ChannelPlan& plan = ctx.plan;
        const bool flat = plan.kind == Kind::Mip;  // 2D tiles: no Z attributes needed
        const std::string where = whereAttr(ctx);
        Handle g = h5::openGroup(parent, name, path_);
        const auto& s = plan.grid.shape;

        const std::array<std::size_t, 3> declared{flat ? 1 : sizeAttr(g, "DataSizeZ", where),
                                                  sizeAttr(g, "DataSizeY", where), sizeAttr(g, "DataSizeX", where)};
        if (declared != s)
            throw fail(ctx, "DataSize " + shapeText(declared) + " disagrees with the header's " + shapeText(s));
        const long long scalarType = indexAttr(g, "ScalarType", where);
        if (scalarType != 0 && scalarType != 1)
            throw fail(ctx, "unsupported ScalarType " + std::to_string(scalarType) + " (expected 0 or 1)");
        double riMin = plan.fill;
        if (h5::hasAttr(g, "RIMin")) {
            riMin = h5::attrDouble(g, "RIMin", where);
            if (!std::isfinite(riMin))
                throw fail(ctx, "RIMin is not a finite number");
        } else if (scalarType == 1 && plan.kind != Kind::Fluorescence) {
            throw fail(ctx, "missing attribute 'RIMin' (needed for ScalarType 1)");
        }

        const std::vector<std::string> names = numberedChildren(g, "TILE_");
        if (h5::hasAttr(g, "NumberOfTiles")) {
            const long long declaredTiles = indexAttr(g, "NumberOfTiles", where);
            if (declaredTiles != static_cast<long long>(names.size()))
                throw fail(ctx, "NumberOfTiles is " + std::to_string(declaredTiles) + " but " +
                                    std::to_string(names.size()) + " tiles are present");
        }
        std::vector<TilePlan> tiles;
        for (const auto& tn : names) {
            Handle t = h5::openDataset(g, tn, path_);
            const std::string tw = where + "/" + oneLine(tn);
            if (indexAttr(t, "SamplingStep", tw) != 1)
                continue;  // lower-resolution pyramid level
            tiles.push_back(planTile(ctx, t, tn, tw, scalarType, flat));
        }
        if (tiles.empty())
            throw fail(ctx, "no full-resolution tile (SamplingStep 1)");
        if (!withData)
            return {};

        const bool fluorescence = plan.kind == Kind::Fluorescence;
        Volume v(plan.grid, VoxelType::Float32);
        float* out = v.data<float>();
        std::fill(out, out + v.voxels(), static_cast<float>(fluorescence ? 0.0 : riMin));
        std::vector<float> buf;
        for (const TilePlan& tp : tiles) {
            Handle t = h5::openDataset(g, tp.name, path_);
            readTile(ctx, t, tp, buf);
            const auto& o = tp.offset;
            const auto& e = tp.extent;
            std::size_t i = 0;
            for (std::size_t z = 0; z < e[0]; ++z)
                for (std::size_t y = 0; y < e[1]; ++y) {
                    float* row = out + plan.grid.index(o[0] + z, o[1] + y, o[2]);
                    for (std::size_t x = 0; x < e[2]; ++x, ++i) {
                        const double raw = buf[i];
                        row[x] = fluorescence       ? static_cast<float>(raw)
                                 : scalarType == 0 ? static_cast<float>(raw / 1e4)
                                                   : static_cast<float>(raw / 1000.0 + riMin);
                    }
                }
        }
        return v;
    }

    TilePlan planTile(const Ctx& ctx, hid_t t, const std::string& tn, const std::string& tw, long long scalarType,
                      bool flat) const
    {
        const auto& s = ctx.plan.grid.shape;
        const std::vector<hsize_t> dims = h5::datasetDims(t);
        if (dims.size() != 3 && !(flat && dims.size() == 2))
            throw fail(ctx, "tile " + tn + " has " + std::to_string(dims.size()) + " dimensions");
        std::array<hsize_t, 3> stored{1, 1, 1};
        std::copy(dims.begin(), dims.end(), stored.begin() + (3 - static_cast<std::ptrdiff_t>(dims.size())));
        std::size_t elemSize = 0;
        const H5T_class_t cls = typeClass(t, &elemSize);
        if (cls != H5T_INTEGER || elemSize != (scalarType == 0 ? 2u : 1u))
            throw fail(ctx, "tile " + tn + " does not hold " + (scalarType == 0 ? "16" : "8") +
                                "-bit integers as ScalarType " + std::to_string(scalarType) + " requires");
        TilePlan tp;
        tp.name = tn;
        tp.rank = static_cast<int>(dims.size());
        const char* axes[3] = {"Z", "Y", "X"};
        for (int a = 0; a < 3; ++a) {
            const bool optional = flat && a == 0;
            const std::string off = std::string("DataIndexOffsetPoint") + axes[a];
            const std::string last = std::string("DataIndexLastPoint") + axes[a];
            const long long o = optional && !h5::hasAttr(t, off) ? 0 : indexAttr(t, off, tw);
            long long l = optional && !h5::hasAttr(t, last) ? 0 : indexAttr(t, last, tw);
            const long long size = static_cast<long long>(s[a]);
            if (o < 0 || o >= size)
                throw fail(ctx, "tile " + tn + " starts at " + axes[a] + "=" + std::to_string(o) +
                                    ", outside the volume (size " + std::to_string(size) + ")");
            if (l < o)
                throw fail(ctx, "tile " + tn + " ends before it starts along " + axes[a]);
            l = std::min(l, size - 1);  // tiles are padded past the volume's edge
            const auto extent = static_cast<std::size_t>(l - o + 1);
            if (extent > stored[a])
                throw fail(ctx, "tile " + tn + " stores " + std::to_string(stored[a]) + " voxels along " + axes[a] +
                                    " but its index range needs " + std::to_string(extent));
            tp.offset[a] = static_cast<std::size_t>(o);
            tp.extent[a] = extent;
        }
        checkFilters(ctx, t);
        return tp;
    }

    void readTile(const Ctx& ctx, hid_t t, const TilePlan& tp, std::vector<float>& buf) const
    {
        const int first = 3 - tp.rank;
        std::vector<hsize_t> start(static_cast<std::size_t>(tp.rank), 0), count;
        for (int a = first; a < 3; ++a)
            count.push_back(tp.extent[a]);
        buf.resize(tp.extent[0] * tp.extent[1] * tp.extent[2]);
        Handle fileSpace(H5Dget_space(t));
        Handle memSpace(H5Screate_simple(tp.rank, count.data(), nullptr));
        if (!fileSpace.valid() || !memSpace.valid() ||
            H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0 ||
            H5Dread(t, H5T_NATIVE_FLOAT, memSpace, fileSpace, H5P_DEFAULT, buf.data()) < 0)
            throw fail(ctx, "cannot read tile " + tp.name + " (HDF5: " + h5::lastErrorText() + ")");
    }

    std::string path_;
    Handle file_;
    std::vector<ChannelPlan> plans_;
};

// Frame times: each frame's Time, else TimeInterval * index, else the index.
std::vector<double> frameTimes(hid_t group, const std::vector<std::string>& frames)
{
    const double interval = h5::attrDoubleOr(group, "TimeInterval", std::nan(""));
    std::vector<double> times;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        double t = std::nan("");
        Handle obj(H5Oopen(group, frames[i].c_str(), H5P_DEFAULT));
        if (obj.valid())
            t = h5::attrDoubleOr(obj, "Time", std::nan(""));
        if (!std::isfinite(t))
            t = std::isfinite(interval) && interval > 0 ? interval * static_cast<double>(i) : static_cast<double>(i);
        times.push_back(t);
    }
    return times;
}

Grid gridFrom(hid_t g, const std::string& where, bool flat, const Grid* fallback)
{
    Grid grid;
    auto size = [&](const char* name, int axis) {
        return fallback && !h5::hasAttr(g, name) ? fallback->shape[axis] : sizeAttr(g, name, where);
    };
    auto res = [&](const char* name, int axis) {
        return fallback && !h5::hasAttr(g, name) ? fallback->spacing_um[axis] : resolutionAttr(g, name, where);
    };
    grid.shape = {flat ? 1 : size("SizeZ", 0), size("SizeY", 1), size("SizeX", 2)};
    grid.spacing_um = {flat ? (fallback ? fallback->spacing_um[0] : 1.0) : res("ResolutionZ", 0),
                       res("ResolutionY", 1), res("ResolutionX", 2)};
    // Refuse absurd declared sizes before any frame is allocated.
    checkAllocatable(grid.shape, VoxelType::Float32, 1, where);
    return grid;
}

void readMetadata(hid_t file, DatasetInfo& info)
{
    for (const auto& name : attrNames(file))
        info.metadata[name] = attrText(file, name);
    if (!h5::isGroup(file, "/Info/Device"))
        return;
    Handle dev(H5Gopen2(file, "/Info/Device", H5P_DEFAULT));
    if (!dev.valid())
        return;
    for (const char* name : {"NA", "Magnification", "Wavelength", "RI", "Iteration"})
        if (h5::hasAttr(dev, name))
            info.metadata[std::string("Device.") + name] = attrText(dev, name);
    const double ri = h5::attrDoubleOr(dev, "RI", std::nan(""));
    if (std::isfinite(ri) && ri >= 1.0 && ri <= 3.0)
        info.mediumRI = ri;
}

} // namespace

DatasetPtr openTcf(const std::string& path)
{
    Handle file = h5::openReadOnly(path);
    std::lock_guard<std::recursive_mutex> lock(h5::mutex());
    if (!h5::isGroup(file, "/Data/3D"))
        throw inputError(path, "not a Tomocube TCF file (no /Data/3D group)");

    DatasetInfo info;
    info.path = path;
    info.format = "tcf";
    readMetadata(file, info);

    std::vector<ChannelPlan> plans;
    auto addChannel = [&](ChannelPlan plan, hid_t group, const std::string& name, ChannelRole role,
                          const std::string& unit) -> ChannelInfo& {
        ChannelInfo ch;
        ch.name = name;
        ch.role = role;
        ch.unit = unit;
        ch.grid = plan.grid;
        ch.times_s = frameTimes(group, plan.frames);
        ch.display = defaultDisplayFor(name, role);
        plans.push_back(std::move(plan));
        info.channels.push_back(std::move(ch));
        return info.channels.back();
    };

    // RI. DataCount may disagree with the frames present; the frames present win.
    Handle ri = h5::openGroup(file, "/Data/3D", path);
    ChannelPlan riPlan;
    riPlan.group = "/Data/3D";
    riPlan.grid = gridFrom(ri, oneLine(path + ": /Data/3D"), false, nullptr);
    riPlan.frames = numberedChildren(ri, "");
    riPlan.fill = info.mediumRI;
    if (riPlan.frames.empty())
        throw inputError(path, "/Data/3D holds no frames");
    const Grid riGrid = riPlan.grid;
    addChannel(std::move(riPlan), ri, "ri", ChannelRole::RefractiveIndex, "RI");

    // Fluorescence: own grid and frame list per channel (FL and HT frame counts differ).
    if (h5::isGroup(file, "/Data/3DFL")) {
        Handle fl = h5::openGroup(file, "/Data/3DFL", path);
        const std::string where = path + ": /Data/3DFL";
        const Grid flGrid = gridFrom(fl, where, false, nullptr);
        for (const auto& chName : numberedChildren(fl, "CH")) {
            if (!h5::isGroup(fl, chName))
                continue;
            Handle cg = h5::openGroup(fl, chName, path);
            ChannelPlan plan;
            plan.group = "/Data/3DFL/" + chName;
            plan.kind = Kind::Fluorescence;
            plan.grid = flGrid;
            plan.frames = numberedChildren(cg, "");
            if (plan.frames.empty())
                continue;
            const std::string name = "fl_ch" + stripZeros(chName.substr(2));
            if (std::any_of(info.channels.begin(), info.channels.end(),
                            [&](const ChannelInfo& c) { return c.name == name; }))
                continue;  // "CH1" and "CH01": keep the first
            ChannelInfo& ch = addChannel(std::move(plan), cg, name, ChannelRole::MeasuredFluorescence, "counts");
            const double r = h5::attrDoubleOr(cg, "ColorR", std::nan("")),
                         g = h5::attrDoubleOr(cg, "ColorG", std::nan("")),
                         b = h5::attrDoubleOr(cg, "ColorB", std::nan(""));
            if (std::isfinite(r) && std::isfinite(g) && std::isfinite(b))
                ch.display.color = {static_cast<float>(std::clamp(r / 255.0, 0.0, 1.0)),
                                    static_cast<float>(std::clamp(g / 255.0, 0.0, 1.0)),
                                    static_cast<float>(std::clamp(b / 255.0, 0.0, 1.0))};
            for (const char* key : {"Excitation", "Emission", "OffsetZ"})
                if (h5::hasAttr(cg, key))
                    info.metadata[name + "." + key] = attrText(cg, key);
        }
    }

    // 2D MIP as a one-slice volume; its size defaults to the RI grid's.
    if (h5::isGroup(file, "/Data/2DMIP")) {
        Handle mip = h5::openGroup(file, "/Data/2DMIP", path);
        ChannelPlan plan;
        plan.group = "/Data/2DMIP";
        plan.kind = Kind::Mip;
        plan.grid = gridFrom(mip, path + ": /Data/2DMIP", true, &riGrid);
        plan.frames = numberedChildren(mip, "");
        plan.fill = info.mediumRI;
        if (!plan.frames.empty())
            addChannel(std::move(plan), mip, "ri_mip", ChannelRole::RefractiveIndex, "RI");
    }

    auto source = std::make_shared<TcfFrameSource>(path, std::move(file), std::move(plans));
    // Structural problems (shapes, tiles, filters) surface at open, not at first display.
    for (std::size_t c = 0; c < info.channels.size(); ++c)
        source->inspect(c, 0);
    return std::make_shared<Dataset>(std::move(info), std::move(source));
}

} // namespace rfx
