// The only translation unit that includes LibTorch headers (slow to compile, and Qt's keyword
// macros clash with them: the target is built with QT_NO_KEYWORDS).
#include "core/torch/TorchBackend.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <filesystem>

#include "core/inference/InferenceBackend.h"
#include "core/util/Errors.h"

namespace rfx::torchbackend {

namespace {

std::string typeName(const torch::jit::Module& m)
{
    auto t = m._ivalue()->type();
    return t && t->name() ? t->name()->qualifiedName() : std::string();
}

bool isDropout(const torch::jit::Module& m) { return typeName(m).find("Dropout") != std::string::npos; }

class TorchModel : public InferenceModel {
public:
    TorchModel(torch::jit::Module module, torch::Device device) : module_(std::move(module)), device_(device)
    {
        module_.eval();
        module_.to(device_);
        for (const auto& child : module_.modules())
            if (isDropout(child))
                hasDropout_ = true;
    }

    Tensor forward(const Tensor& input) override
    {
        torch::NoGradGuard noGrad;
        auto in = torch::from_blob(const_cast<float*>(input.values.data()), input.shape, torch::kFloat32)
                      .to(device_);
        torch::jit::IValue result = module_.forward({in});
        torch::Tensor out;
        if (result.isTensor()) {
            out = result.toTensor();
        } else if (result.isTuple() || result.isList()) {
            // Several heads: concatenate along the channel axis in declaration order.
            std::vector<torch::Tensor> parts;
            if (result.isTuple())
                for (const auto& e : result.toTuple()->elements())
                    parts.push_back(e.toTensor());
            else
                for (const auto& e : result.toList())
                    parts.push_back(e.get().toTensor());
            out = torch::cat(parts, 1);
        } else {
            throw InputError("model output is neither a tensor nor a tuple/list of tensors");
        }
        out = out.to(torch::kCPU, torch::kFloat32).contiguous();
        Tensor t;
        t.shape.assign(out.sizes().begin(), out.sizes().end());
        t.values.assign(out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
        return t;
    }

    bool hasDropout() const override { return hasDropout_; }

    void setDropoutActive(bool active) override
    {
        // Only dropout modules: whole-module train() would switch normalisation layers to batch
        // statistics and change the prediction itself.
        module_.eval();
        if (!active)
            return;
        for (auto child : module_.modules())
            if (isDropout(child))
                child.train(true);
    }

    void seed(std::uint64_t s) override
    {
        torch::manual_seed(s);
        if (device_.is_cuda())
            torch::cuda::manual_seed_all(s);
    }

    std::string device() const override { return device_.str(); }

private:
    torch::jit::Module module_;
    torch::Device device_;
    bool hasDropout_ = false;
};

class TorchBackend : public InferenceBackend {
public:
    std::string name() const override { return "LibTorch " + std::string(TORCH_VERSION); }
    bool cudaAvailable() const override { return torch::cuda::is_available(); }
    void setThreads(int threads) override
    {
        if (threads > 0)
            at::set_num_threads(threads);
    }

    std::unique_ptr<InferenceModel> load(const std::string& path, const std::string& device) override
    {
        if (!std::filesystem::is_regular_file(path))
            throw inputError(path, "model file not found");
        torch::Device dev(torch::kCPU);
        if (device == "cuda") {
            if (!torch::cuda::is_available())
                throw std::runtime_error("CUDA is not available in this build or on this machine");
            dev = torch::Device(torch::kCUDA, 0);
        } else if (device != "cpu") {
            throw InputError("unknown device '" + device + "' (expected cpu or cuda)");
        }
        try {
            return std::make_unique<TorchModel>(torch::jit::load(path, torch::kCPU), dev);
        } catch (const c10::Error& e) {
            std::string msg = e.what_without_backtrace();
            msg = msg.substr(0, msg.find('\n'));
            throw inputError(path, "cannot load TorchScript model (" + msg + ")");
        }
    }
};

} // namespace

void install()
{
    if (!inferenceBackend())
        setInferenceBackend(std::make_unique<TorchBackend>());
}

} // namespace rfx::torchbackend
