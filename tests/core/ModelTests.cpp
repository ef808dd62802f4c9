#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "core/model/Dataset.h"
#include "core/model/FrameCache.h"
#include "core/model/Volume.h"
#include "core/util/Errors.h"

using namespace rfx;

namespace {
Grid smallGrid(std::size_t z = 4, std::size_t y = 5, std::size_t x = 6)
{
    Grid g;
    g.shape = {z, y, x};
    g.spacing_um = {0.2, 0.15, 0.15};
    return g;
}

// Counts reads so laziness and caching can be observed.
class CountingSource : public FrameSource {
public:
    explicit CountingSource(Grid g) : grid(g) {}
    Volume readFrame(std::size_t c, std::size_t t) const override
    {
        ++reads;
        Volume v = Volume::zeros<float>(grid);
        v.data<float>()[0] = static_cast<float>(100 * c + t);
        return v;
    }
    Grid grid;
    mutable int reads = 0;
};
} // namespace

TEST_CASE("Volume stores typed voxels and converts without scaling", "[model]")
{
    Volume v = Volume::zeros<std::uint16_t>(smallGrid());
    REQUIRE(v.voxels() == 120);
    REQUIRE(v.bytes() == 240);
    v.at<std::uint16_t>(3, 4, 5) = 13370;
    v.at<std::uint16_t>(0, 0, 1) = 7;
    Volume f = v.toFloat();
    CHECK(f.type() == VoxelType::Float32);
    CHECK(f.at<float>(3, 4, 5) == 13370.0f);
    CHECK(f.range() == std::pair<double, double>(0.0, 13370.0));
    CHECK_THROWS_AS(v.data<float>(), std::logic_error);
}

TEST_CASE("Volume range skips non-finite values and counts them", "[model]")
{
    Volume v = Volume::zeros<float>(smallGrid());
    v.data<float>()[0] = std::numeric_limits<float>::quiet_NaN();
    v.data<float>()[1] = std::numeric_limits<float>::infinity();
    v.data<float>()[2] = -3.5f;
    CHECK(v.nonFiniteCount() == 2);
    CHECK(v.range().first == -3.5);
    CHECK(v.range().second == 0.0);
}

TEST_CASE("checkAllocatable refuses absurd declared sizes before allocating", "[model]")
{
    CHECK_NOTHROW(checkAllocatable({64, 512, 512}, VoxelType::Float32, 1, "f"));
    CHECK_THROWS_AS(checkAllocatable({64, 512, 1000000000}, VoxelType::UInt16, 1, "f"), InputError);
    CHECK_THROWS_AS(checkAllocatable({0, 512, 512}, VoxelType::UInt16, 1, "f"), InputError);
    // Overflowing products must not wrap around into a small number.
    const std::size_t huge = std::size_t(1) << 40;
    CHECK_THROWS_AS(checkAllocatable({huge, huge, huge}, VoxelType::UInt8, 1, "f"), InputError);
}

TEST_CASE("FrameCache evicts least recently used entries beyond its byte budget", "[model]")
{
    const Grid g = smallGrid();
    const std::size_t frameBytes = g.voxels() * 4;
    FrameCache cache(frameBytes * 2);
    auto make = [&] { return std::make_shared<const Volume>(Volume::zeros<float>(g)); };
    cache.insert({1, 0, 0}, make());
    cache.insert({1, 0, 1}, make());
    REQUIRE(cache.find({1, 0, 0}));  // touch frame 0: frame 1 becomes least recent
    cache.insert({1, 0, 2}, make());
    CHECK(cache.entries() == 2);
    CHECK(cache.usedBytes() == 2 * frameBytes);
    CHECK(cache.find({1, 0, 0}));
    CHECK_FALSE(cache.find({1, 0, 1}));
    CHECK(cache.find({1, 0, 2}));
    cache.evictOwner(1);
    CHECK(cache.entries() == 0);
    CHECK(cache.usedBytes() == 0);
}

TEST_CASE("Dataset reads frames lazily and serves repeats from the cache", "[model]")
{
    const Grid g = smallGrid();
    auto source = std::make_shared<CountingSource>(g);
    DatasetInfo info;
    info.path = "mem";
    ChannelInfo ri;
    ri.name = "ri";
    ri.role = ChannelRole::RefractiveIndex;
    ri.grid = g;
    for (int t = 0; t < 100; ++t)
        ri.times_s.push_back(t * 2.0);
    info.channels.push_back(ri);
    FrameCache cache(g.voxels() * 4 * 3);
    Dataset ds(info, source, &cache);
    CHECK(ds.frameCount() == 100);
    CHECK(source->reads == 0);  // opening reads nothing
    CHECK(ds.frame(0, 42)->data<float>()[0] == 42.0f);
    CHECK(ds.frame(0, 42)->data<float>()[0] == 42.0f);
    CHECK(source->reads == 1);
    for (int t = 0; t < 10; ++t)
        ds.frame(0, t);
    CHECK(cache.entries() == 3);  // bounded by the budget, not by the frame count
    CHECK_THROWS_AS(ds.frame(0, 100), InputError);
    CHECK_THROWS_AS(ds.frame(1, 0), InputError);
    CHECK(ds.channelIndex("ri") == 0);
    CHECK(ds.channelIndex("nucleus") == -1);
    CHECK(ds.firstChannelWithRole(ChannelRole::RefractiveIndex) == 0);
}

TEST_CASE("Channel roles round-trip through their names; unknown names are input errors", "[model]")
{
    for (auto r : {ChannelRole::RefractiveIndex, ChannelRole::MeasuredFluorescence, ChannelRole::PredictedFluorescence,
                   ChannelRole::Uncertainty, ChannelRole::Probability, ChannelRole::Labels, ChannelRole::VectorField,
                   ChannelRole::Other})
        CHECK(channelRoleFromName(channelRoleName(r)) == r);
    CHECK_THROWS_AS(channelRoleFromName("banana"), InputError);
    CHECK(defaultDisplayFor("nucleus", ChannelRole::PredictedFluorescence).color[2] == Approx(1.0f));
    CHECK(defaultDisplayFor("ri", ChannelRole::RefractiveIndex).windowLow == Approx(1.337));
}
