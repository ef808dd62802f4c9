#include "core/forces/TfmInputLoader.h"

#include "core/forces/CellMask.h"
#include "core/io/DatasetOpener.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {

VolumePtr loadVolume(const std::string& path, const std::string& channel, bool mask, ChannelRole* role = nullptr)
{
    DatasetPtr ds = openDataset(path);
    int c = -1;
    if (!channel.empty() && !mask) {
        c = ds->channelIndex(channel);
        if (c < 0)
            throw inputError(path, "no channel named '" + channel + "'");
    } else {
        c = ds->firstChannelWithRole(mask ? ChannelRole::Labels : ChannelRole::MeasuredFluorescence);
        if (c < 0)
            c = 0;
    }
    const ChannelInfo& ch = ds->channel(static_cast<std::size_t>(c));
    if (ch.components != 1)
        throw inputError(path, "channel '" + ch.name + "' is a vector field; expected a scalar volume");
    if (ch.frames() == 0)
        throw inputError(path, "channel '" + ch.name + "' has no frames");
    if (role)
        *role = ch.role;
    return ds->frame(static_cast<std::size_t>(c), 0);
}

VolumePtr withVoxel(const VolumePtr& v, const std::array<double, 3>& voxel)
{
    auto copy = std::make_shared<Volume>(*v);
    copy->grid().spacing_um = voxel;
    return copy;
}

} // namespace

TfmInputs loadTfmInputs(const TfmFiles& files)
{
    TfmInputs in;
    in.relaxed = loadVolume(files.relaxed, files.channel, false);
    in.stressed = loadVolume(files.stressed, files.channel, false);
    if (in.relaxed->shape() != in.stressed->shape())
        throw InputError(files.stressed + ": shape differs from " + files.relaxed +
                         " (the volumes must be the same size)");
    if (files.voxel_um) {
        in.relaxed = withVoxel(in.relaxed, *files.voxel_um);
        in.stressed = withVoxel(in.stressed, *files.voxel_um);
    }
    if (!files.mask.empty()) {
        ChannelRole role = ChannelRole::Other;
        VolumePtr raw = loadVolume(files.mask, "", true, &role);
        if (raw->shape() != in.relaxed->shape())
            throw inputError(files.mask, "shape differs from the bead volumes");
        try {
            Volume m = cellMaskFromImage(*raw, role == ChannelRole::Labels);
            m.grid() = in.relaxed->grid();
            in.cellMask = std::make_shared<const Volume>(std::move(m));
        } catch (const InputError& e) {
            throw inputError(files.mask, e.what());
        }
    }
    return in;
}

} // namespace rfx
