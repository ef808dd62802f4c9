#include "core/io/ResultsWriter.h"

#include <algorithm>
#include <cstdio>

#include "core/util/Errors.h"
#include "core/util/Version.h"

namespace rfx {

namespace {

hid_t fileType(VoxelType t)
{
    switch (t) {
    case VoxelType::UInt8: return H5T_STD_U8LE;
    case VoxelType::UInt16: return H5T_STD_U16LE;
    case VoxelType::Int32: return H5T_STD_I32LE;
    case VoxelType::Float32: return H5T_IEEE_F32LE;
    }
    return H5T_IEEE_F32LE;
}

std::string frameName(std::size_t frame)
{
    char buf[32];  // room for any size_t, so the compiler can prove no truncation
    std::snprintf(buf, sizeof buf, "%06zu", frame);
    return buf;
}

void requireName(const std::string& name, const std::string& what)
{
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
        throw InputError("invalid " + what + " name '" + name + "'");
}

h5::Handle ensureGroup(hid_t loc, const std::string& name)
{
    std::lock_guard<std::recursive_mutex> lock(h5::mutex());
    if (H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0)
        return h5::Handle(H5Gopen2(loc, name.c_str(), H5P_DEFAULT));
    // No object timestamps: the same inputs give byte-identical results files.
    h5::Handle gcpl(H5Pcreate(H5P_GROUP_CREATE));
    H5Pset_obj_track_times(gcpl, false);
    h5::Handle g(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT));
    if (!g.valid())
        throw std::runtime_error("HDF5: cannot create group '" + name + "'");
    return g;
}

// Dataset creation properties without timestamps (see ensureGroup).
h5::Handle untimedDcpl()
{
    h5::Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
    H5Pset_obj_track_times(dcpl, false);
    return dcpl;
}

} // namespace

ResultsWriter::ResultsWriter(const std::string& path) : atomic_(path)
{
    h5::silenceErrors();
    std::lock_guard<std::recursive_mutex> lock(h5::mutex());
    file_ = h5::Handle(H5Fcreate(atomic_.tempPath().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    if (!file_.valid())
        throw std::runtime_error(path + ": cannot create HDF5 file");
    h5::writeAttr(file_, "format", std::string(kFormatName));
    h5::writeAttr(file_, "format_version", static_cast<long long>(kFormatVersion));
    h5::writeAttr(file_, "software", "Refractome " + version());
    h5::writeAttr(file_, "medium_ri", 1.337);
    ensureGroup(file_, "channels");
}

ResultsWriter::~ResultsWriter()
{
    // Not committed: close handles before AtomicFile removes the temporary.
    std::lock_guard<std::recursive_mutex> lock(h5::mutex());
    channels_.clear();
    file_.reset();
}

void ResultsWriter::setSource(const std::string& sourceFile) { h5::writeAttr(file_, "source", sourceFile); }
void ResultsWriter::setMediumRI(double n) { h5::writeAttr(file_, "medium_ri", n); }

void ResultsWriter::setMetadata(const std::string& key, const std::string& value)
{
    requireName(key, "metadata key");
    h5::Handle meta = ensureGroup(file_, "metadata");
    h5::writeAttr(meta, key, value);
}

void ResultsWriter::addChannel(const ChannelInfo& info, VoxelType stored)
{
    requireName(info.name, "channel");
    if (channels_.count(info.name))
        throw std::logic_error("ResultsWriter: channel '" + info.name + "' added twice");
    checkAllocatable(info.grid.shape, stored, info.components, info.name);
    std::lock_guard<std::recursive_mutex> lock(h5::mutex());
    h5::Handle channels = ensureGroup(file_, "channels");
    h5::Handle g = ensureGroup(channels, info.name);
    h5::writeAttr(g, "index", static_cast<long long>(order_.size()));
    h5::writeAttr(g, "role", channelRoleName(info.role));
    h5::writeAttr(g, "unit", info.unit);
    h5::writeAttr(g, "components", static_cast<long long>(info.components));
    h5::writeAttr(g, "derived_from", info.derivedFrom);
    h5::writeAttr(g, "shape", std::vector<double>(info.grid.shape.begin(), info.grid.shape.end()));
    h5::writeAttr(g, "spacing_um", std::vector<double>(info.grid.spacing_um.begin(), info.grid.spacing_um.end()));
    h5::writeAttr(g, "origin_um", std::vector<double>(info.grid.origin_um.begin(), info.grid.origin_um.end()));
    h5::writeAttr(g, "times_s", info.times_s.empty() ? std::vector<double>{0.0} : info.times_s);
    h5::writeAttr(g, "frame_count", static_cast<long long>(info.times_s.size()));
    h5::writeAttr(g, "display_color",
                  std::vector<double>(info.display.color.begin(), info.display.color.end()));
    h5::writeAttr(g, "display_colormap", info.display.colormap);
    h5::writeAttr(g, "display_window", std::vector<double>{info.display.windowLow, info.display.windowHigh});
    h5::writeAttr(g, "display_gamma", info.display.gamma);
    h5::writeAttr(g, "display_visible", static_cast<long long>(info.display.visible ? 1 : 0));
    channels_.emplace(info.name, ChannelState{info, stored, std::move(g)});
    order_.push_back(info.name);
}

h5::Handle ResultsWriter::frameDataset(ChannelState& ch, std::size_t frame)
{
    if (frame >= std::max<std::size_t>(1, ch.info.times_s.size()))
        throw std::logic_error("ResultsWriter: channel '" + ch.info.name + "' has no frame " + std::to_string(frame));
    std::lock_guard<std::recursive_mutex> lock(h5::mutex());
    const std::string name = frameName(frame);
    if (H5Lexists(ch.group, name.c_str(), H5P_DEFAULT) > 0)
        return h5::Handle(H5Dopen2(ch.group, name.c_str(), H5P_DEFAULT));
    const auto& s = ch.info.grid.shape;
    const bool vec = ch.info.components > 1;
    std::vector<hsize_t> dims{s[0], s[1], s[2]};
    std::vector<hsize_t> chunk{std::min<hsize_t>(s[0], 16), std::min<hsize_t>(s[1], 128),
                               std::min<hsize_t>(s[2], 128)};
    if (vec) {
        dims.push_back(static_cast<hsize_t>(ch.info.components));
        chunk.push_back(static_cast<hsize_t>(ch.info.components));
    }
    h5::Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
    h5::Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
    H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
    H5Pset_shuffle(dcpl);
    H5Pset_deflate(dcpl, 4);
    H5Pset_obj_track_times(dcpl, false);
    h5::Handle d(H5Dcreate2(ch.group, name.c_str(), fileType(ch.stored), space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
    if (!d.valid())
        throw std::runtime_error(path() + ": cannot create dataset for channel '" + ch.info.name + "'");
    // Fiji's HDF5 plugin reads the voxel size from this attribute.
    h5::writeAttr(d, "element_size_um",
                  std::vector<double>(ch.info.grid.spacing_um.begin(), ch.info.grid.spacing_um.end()));
    const double t = frame < ch.info.times_s.size() ? ch.info.times_s[frame] : 0.0;
    h5::writeAttr(d, "time_s", t);
    return d;
}

void ResultsWriter::writeFrame(const std::string& channel, std::size_t frame, const Volume& volume)
{
    auto it = channels_.find(channel);
    if (it == channels_.end())
        throw std::logic_error("ResultsWriter: unknown channel '" + channel + "'");
    if (volume.shape() != it->second.info.grid.shape)
        throw std::logic_error("ResultsWriter: frame shape differs from channel '" + channel + "' grid");
    writeSlab(channel, frame, 0, volume);
}

void ResultsWriter::writeSlab(const std::string& channel, std::size_t frame, std::size_t z0, const Volume& slab)
{
    writeBlock(channel, frame, {z0, 0, 0}, slab);
}

void ResultsWriter::writeBlock(const std::string& channel, std::size_t frame, const std::array<std::size_t, 3>& offset,
                               const Volume& block)
{
    auto it = channels_.find(channel);
    if (it == channels_.end())
        throw std::logic_error("ResultsWriter: unknown channel '" + channel + "'");
    ChannelState& ch = it->second;
    const auto& s = ch.info.grid.shape;
    if (block.components() != ch.info.components)
        throw std::logic_error("ResultsWriter: block components differ from channel '" + channel + "'");
    for (int a = 0; a < 3; ++a)
        if (offset[a] + block.shape()[a] > s[a])
            throw std::logic_error("ResultsWriter: block does not fit channel '" + channel + "'");
    const Volume stored = block.type() == ch.stored ? Volume() : block.converted(ch.stored);
    const Volume& src = block.type() == ch.stored ? block : stored;

    std::lock_guard<std::recursive_mutex> lock(h5::mutex());
    h5::Handle d = frameDataset(ch, frame);
    const bool vec = ch.info.components > 1;
    std::vector<hsize_t> start{offset[0], offset[1], offset[2]};
    std::vector<hsize_t> count{block.shape()[0], block.shape()[1], block.shape()[2]};
    if (vec) {
        start.push_back(0);
        count.push_back(static_cast<hsize_t>(ch.info.components));
    }
    h5::Handle fspace(H5Dget_space(d));
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
    h5::Handle mspace(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr));
    if (H5Dwrite(d, h5::nativeType(ch.stored), mspace, fspace, H5P_DEFAULT, src.raw()) < 0)
        throw std::runtime_error(path() + ": cannot write channel '" + channel + "' (disk full?)");
}

void ResultsWriter::writeTable(const std::string& name, const ResultsTable& table)
{
    requireName(name, "table");
    if (table.units.size() != table.columns.size() || table.values.size() != table.columns.size())
        throw std::logic_error("ResultsWriter: table '" + name + "' has inconsistent columns");
    std::lock_guard<std::recursive_mutex> lock(h5::mutex());
    h5::Handle tables = ensureGroup(file_, "tables");
    h5::Handle g = ensureGroup(tables, name);
    std::string joined;
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
        requireName(table.columns[c], "column");
        joined += (c ? "\n" : "") + table.columns[c];
        const auto& col = table.values[c];
        hsize_t n = col.size();
        h5::Handle space(H5Screate_simple(1, &n, nullptr));
        h5::Handle d(H5Dcreate2(g, table.columns[c].c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, untimedDcpl(),
                                H5P_DEFAULT));
        if (!d.valid() || (n && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, col.data()) < 0))
            throw std::runtime_error(path() + ": cannot write table '" + name + "'");
        h5::writeAttr(d, "unit", table.units[c]);
    }
    h5::writeAttr(g, "columns", joined);
    auto writeStrings = [&](const std::string& dsName, const std::vector<std::string>& values) {
        hsize_t n = values.size();
        h5::Handle space(H5Screate_simple(1, &n, nullptr));
        h5::Handle type(H5Tcopy(H5T_C_S1));
        H5Tset_size(type, H5T_VARIABLE);
        H5Tset_cset(type, H5T_CSET_UTF8);
        std::vector<const char*> ptrs;
        for (const auto& s : values)
            ptrs.push_back(s.c_str());
        h5::Handle d(H5Dcreate2(g, dsName.c_str(), type, space, H5P_DEFAULT, untimedDcpl(), H5P_DEFAULT));
        if (!d.valid() || (n && H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0))
            throw std::runtime_error(path() + ": cannot write table '" + name + "'");
    };
    if (!table.rowLabels.empty())
        writeStrings("_row_label", table.rowLabels);
    std::string textNames;
    for (const auto& [col, values] : table.textColumns) {
        requireName(col, "column");
        writeStrings(col, values);
        textNames += (textNames.empty() ? "" : "\n") + col;
    }
    if (!textNames.empty())
        h5::writeAttr(g, "text_columns", textNames);
}

void ResultsWriter::writeText(const std::string& name, const std::string& text)
{
    requireName(name, "document");
    std::lock_guard<std::recursive_mutex> lock(h5::mutex());
    h5::Handle docs = ensureGroup(file_, "documents");
    h5::Handle type(H5Tcopy(H5T_C_S1));
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    h5::Handle space(H5Screate(H5S_SCALAR));
    if (H5Lexists(docs, name.c_str(), H5P_DEFAULT) > 0)
        H5Ldelete(docs, name.c_str(), H5P_DEFAULT);
    h5::Handle d(H5Dcreate2(docs, name.c_str(), type, space, H5P_DEFAULT, untimedDcpl(), H5P_DEFAULT));
    const char* p = text.c_str();
    if (!d.valid() || H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &p) < 0)
        throw std::runtime_error(path() + ": cannot write document '" + name + "'");
}

void ResultsWriter::commit()
{
    {
        std::lock_guard<std::recursive_mutex> lock(h5::mutex());
        channels_.clear();
        if (H5Fflush(file_, H5F_SCOPE_GLOBAL) < 0)
            throw std::runtime_error(path() + ": cannot flush (disk full?)");
        file_.reset();
    }
    atomic_.commit();
}

void writeResults(const std::string& path, const Dataset& ds, const std::vector<std::size_t>& channels,
                  const std::vector<std::size_t>& frames, const ProgressFn& progress, const CancelToken& cancel,
                  const std::function<void(ResultsWriter&)>& extra)
{
    std::vector<std::size_t> chans = channels;
    if (chans.empty())
        for (std::size_t c = 0; c < ds.channelCount(); ++c)
            chans.push_back(c);
    ResultsWriter w(path);
    w.setSource(ds.path());
    w.setMediumRI(ds.info().mediumRI);
    for (const auto& [k, v] : ds.info().metadata)
        if (!k.empty() && k.find('/') == std::string::npos)
            w.setMetadata(k, v);
    // Work list of (channel, frame) pairs; the stored channel lists only the selected frames.
    std::vector<std::pair<std::size_t, std::vector<std::size_t>>> work;
    std::size_t total = 0;
    for (std::size_t c : chans) {
        ChannelInfo info = ds.channel(c);
        std::vector<std::size_t> fr;
        if (frames.empty()) {
            for (std::size_t t = 0; t < info.frames(); ++t)
                fr.push_back(t);
        } else {
            for (std::size_t t : frames)
                if (t < info.frames())
                    fr.push_back(t);
        }
        if (fr.empty())
            continue;
        std::vector<double> times;
        for (std::size_t t : fr)
            times.push_back(info.times_s[t]);
        info.times_s = times;
        VoxelType stored = ds.frame(c, fr.front())->type();
        w.addChannel(info, stored);
        total += fr.size();
        work.emplace_back(c, fr);
    }
    if (work.empty())
        throw inputError(ds.path(), "nothing to write (no frames selected)");
    std::size_t done = 0;
    for (const auto& [c, fr] : work) {
        for (std::size_t i = 0; i < fr.size(); ++i) {
            cancel.check();
            w.writeFrame(ds.channel(c).name, i, *ds.frame(c, fr[i]));
            ++done;
            if (progress)
                progress(double(done) / double(total), "writing " + ds.channel(c).name);
        }
    }
    if (extra)
        extra(w);
    cancel.check();
    w.commit();
}

} // namespace rfx
