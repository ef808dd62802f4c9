#pragma once
// Byte-budgeted, thread-safe LRU cache of decoded frames shared by datasets. A 100-frame
// time-lapse opens instantly: frames are read when first asked for and evicted least-recently-used.
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <tuple>

#include "core/model/Volume.h"

namespace rfx {

class FrameCache {
public:
    explicit FrameCache(std::size_t budgetBytes = std::size_t(2) << 30) : budget_(budgetBytes) {}

    // Key: (owner id, channel, frame). Owner ids come from newOwnerId().
    using Key = std::tuple<std::uint64_t, std::size_t, std::size_t>;

    VolumePtr find(const Key& key);
    // Inserts and evicts older entries until within budget; the newest entry always stays.
    void insert(const Key& key, VolumePtr volume);
    void evictOwner(std::uint64_t owner);
    void setBudget(std::size_t bytes);

    std::size_t budget() const { return budget_; }
    std::size_t usedBytes() const;
    std::size_t entries() const;

    static std::uint64_t newOwnerId();
    // The process-wide cache used by default.
    static FrameCache& shared();

private:
    void evictLocked();

    mutable std::mutex mutex_;
    std::size_t budget_;
    std::size_t used_ = 0;
    std::list<std::pair<Key, VolumePtr>> lru_;  // front = most recent
    std::map<Key, std::list<std::pair<Key, VolumePtr>>::iterator> index_;
};

} // namespace rfx
