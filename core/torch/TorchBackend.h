#pragma once
// Registers the LibTorch implementation of rfx::InferenceBackend. No torch header leaks out.
namespace rfx::torchbackend {
void install();
}
