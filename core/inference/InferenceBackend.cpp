#include "core/inference/InferenceBackend.h"

namespace rfx {

namespace {
std::unique_ptr<InferenceBackend>& slot()
{
    static std::unique_ptr<InferenceBackend> backend;
    return backend;
}
} // namespace

InferenceBackend* inferenceBackend() { return slot().get(); }
void setInferenceBackend(std::unique_ptr<InferenceBackend> backend) { slot() = std::move(backend); }

} // namespace rfx
