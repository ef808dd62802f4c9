#include "core/model/FrameCache.h"

#include <atomic>

namespace rfx {

VolumePtr FrameCache::find(const Key& key)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end())
        return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
}

void FrameCache::insert(const Key& key, VolumePtr volume)
{
    if (!volume)
        return;
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = index_.find(key);
    if (it != index_.end()) {
        used_ -= it->second->second->bytes();
        lru_.erase(it->second);
        index_.erase(it);
    }
    used_ += volume->bytes();
    lru_.emplace_front(key, std::move(volume));
    index_[key] = lru_.begin();
    evictLocked();
}

void FrameCache::evictLocked()
{
    while (used_ > budget_ && lru_.size() > 1) {
        auto& last = lru_.back();
        used_ -= last.second->bytes();
        index_.erase(last.first);
        lru_.pop_back();
    }
}

void FrameCache::evictOwner(std::uint64_t owner)
{
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = lru_.begin(); it != lru_.end();) {
        if (std::get<0>(it->first) == owner) {
            used_ -= it->second->bytes();
            index_.erase(it->first);
            it = lru_.erase(it);
        } else {
            ++it;
        }
    }
}

void FrameCache::setBudget(std::size_t bytes)
{
    std::lock_guard<std::mutex> lock(mutex_);
    budget_ = bytes;
    evictLocked();
}

std::size_t FrameCache::usedBytes() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return used_;
}

std::size_t FrameCache::entries() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return lru_.size();
}

std::uint64_t FrameCache::newOwnerId()
{
    static std::atomic<std::uint64_t> next{1};
    return next++;
}

FrameCache& FrameCache::shared()
{
    static FrameCache cache;
    return cache;
}

} // namespace rfx
