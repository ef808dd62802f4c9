#pragma once
// FFTW's planner (fftwf_plan_*, fftwf_destroy_plan) is not thread-safe: every caller in the
// process (stitching, digital volume correlation, ...) must hold this one lock around it.
#include <mutex>

namespace rfx {

inline std::mutex& fftwPlannerMutex()
{
    static std::mutex m;
    return m;
}

} // namespace rfx
