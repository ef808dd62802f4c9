#pragma once
// The inference interface core declares and the LibTorch library (core/torch) implements.
// Core and its tests build and run without LibTorch; executables that can run networks call
// rfx::torchbackend::install() at start-up, which registers the implementation here.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rfx {

// A dense float32 tensor in row-major order, e.g. [B, C, Z, Y, X].
struct Tensor {
    std::vector<std::int64_t> shape;
    std::vector<float> values;
    std::size_t elements() const
    {
        std::size_t n = 1;
        for (auto d : shape)
            n *= static_cast<std::size_t>(d);
        return shape.empty() ? 0 : n;
    }
};

// One loaded network.
class InferenceModel {
public:
    virtual ~InferenceModel() = default;
    virtual Tensor forward(const Tensor& input) = 0;
    // True when the network contains dropout modules (so Monte Carlo dropout is meaningful).
    virtual bool hasDropout() const = 0;
    // Switches only the dropout modules to training mode (Monte Carlo dropout); normalisation
    // layers stay in evaluation mode.
    virtual void setDropoutActive(bool active) = 0;
    // Seeds the backend's random generator (dropout masks) for reproducible runs.
    virtual void seed(std::uint64_t seed) = 0;
    virtual std::string device() const = 0;  // "cpu" or "cuda:0"
};

class InferenceBackend {
public:
    virtual ~InferenceBackend() = default;
    virtual std::string name() const = 0;
    virtual bool cudaAvailable() const = 0;
    virtual void setThreads(int threads) = 0;
    // device: "cpu" or "cuda". Throws InputError for a file that cannot be loaded.
    virtual std::unique_ptr<InferenceModel> load(const std::string& path, const std::string& device) = 0;
};

// The registered backend, or nullptr when the executable was built without one.
InferenceBackend* inferenceBackend();
void setInferenceBackend(std::unique_ptr<InferenceBackend> backend);

} // namespace rfx
