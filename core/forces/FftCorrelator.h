#pragma once
// FFT cross-correlation of two equally sized 3D windows (FFTW, single precision) with a sub-voxel
// peak fit. One correlator per window shape holds the FFTW plans; each thread brings its own
// Workspace, so one correlator serves several threads (FFTW's new-array execute is thread-safe,
// its planner is not: plans are made and destroyed under fftwPlannerMutex()).
#include <array>
#include <memory>
#include <mutex>
#include <vector>

namespace rfx {

// FFTW's planner is process-global and not thread-safe; every planner call in Refractome holds this.
std::mutex& fftwPlannerMutex();

struct CorrelationPeak {
    std::array<double, 3> shift{0, 0, 0};  // (z, y, x) voxels: b(x + shift) ~ a(x)
    double quality = 0;                    // normalised correlation at the peak, clipped to [0, 1]
    bool valid = false;                    // false for textureless windows or a peak at the search limit
};

class FftCorrelator {
public:
    // shape (z, y, x) of the windows; every extent even and >= 4.
    explicit FftCorrelator(const std::array<int, 3>& shape);
    ~FftCorrelator();
    FftCorrelator(const FftCorrelator&) = delete;
    FftCorrelator& operator=(const FftCorrelator&) = delete;

    // Per-thread buffers (FFTW-aligned).
    class Workspace {
    public:
        explicit Workspace(const FftCorrelator& c);
        ~Workspace();
        Workspace(const Workspace&) = delete;
        Workspace& operator=(const Workspace&) = delete;
        float* a() { return a_; }  // fill with the first window (z, y, x), then call correlate()
        float* b() { return b_; }  // the second window

    private:
        friend class FftCorrelator;
        float* a_ = nullptr;
        float* b_ = nullptr;
        void* fa_ = nullptr;
        void* fb_ = nullptr;
    };

    const std::array<int, 3>& shape() const { return shape_; }
    std::size_t size() const { return n_; }

    // Correlates the windows in ws.a() and ws.b() (raw intensities; both are overwritten): removes
    // each window's weighted mean, applies the apodisation, correlates, and fits the peak within
    // |shift| <= maxShift per axis with a 3-point Gaussian (parabolic where the Gaussian fit is undefined).
    CorrelationPeak correlate(Workspace& ws, const std::array<int, 3>& maxShift) const;

private:
    std::array<int, 3> shape_;
    std::size_t n_;
    std::size_t nComplex_;
    std::vector<float> weights_;  // apodisation (separable Tukey, alpha 0.5), one per window voxel
    double weightSum_ = 0;
    void* forward_ = nullptr;
    void* inverse_ = nullptr;
};

} // namespace rfx
