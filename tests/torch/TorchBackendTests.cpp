#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "core/inference/InferenceBackend.h"
#include "core/torch/TorchBackend.h"
#include "core/util/Errors.h"
#include "tests/support/TempDir.h"

using namespace rfx;

namespace {
std::vector<float> readFloats(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<float> v(bytes.size() / 4);
    std::memcpy(v.data(), bytes.data(), v.size() * 4);
    return v;
}

bool makeModel(const std::string& dir)
{
    return std::system(("/usr/bin/python3 " MAKE_TEST_MODEL_SCRIPT " " + dir).c_str()) == 0;
}
} // namespace

TEST_CASE("LibTorch backend reproduces Python's output and controls dropout only", "[torch]")
{
    test::TempDir dir;
    REQUIRE(makeModel(dir.path()));
    torchbackend::install();
    InferenceBackend* backend = inferenceBackend();
    REQUIRE(backend);
    CHECK_FALSE(backend->cudaAvailable());
    backend->setThreads(2);
    auto model = backend->load(dir.file("tiny.pt"), "cpu");
    CHECK(model->hasDropout());
    CHECK(model->device() == "cpu");

    Tensor in;
    in.shape = {2, 1, 4, 6, 5};
    in.values = readFloats(dir.file("input.f32"));
    const std::vector<float> expected = readFloats(dir.file("output.f32"));
    Tensor out = model->forward(in);
    REQUIRE(out.shape == std::vector<std::int64_t>{2, 2, 4, 6, 5});
    REQUIRE(out.values.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
        REQUIRE(out.values[i] == Approx(expected[i]).margin(1e-6));

    // Monte Carlo dropout: outputs vary between passes, are reproducible for a seed,
    // and switching it off restores the deterministic prediction.
    model->setDropoutActive(true);
    model->seed(7);
    Tensor a = model->forward(in);
    Tensor b = model->forward(in);
    model->seed(7);
    Tensor a2 = model->forward(in);
    CHECK(a.values != b.values);
    CHECK(a.values == a2.values);
    model->setDropoutActive(false);
    CHECK(model->forward(in).values == out.values);
}

TEST_CASE("LibTorch backend refuses missing and broken model files with input errors", "[torch]")
{
    torchbackend::install();
    test::TempDir dir;
    CHECK_THROWS_AS(inferenceBackend()->load(dir.file("absent.pt"), "cpu"), InputError);
    std::ofstream(dir.file("junk.pt")) << "not a zip archive";
    CHECK_THROWS_WITH(inferenceBackend()->load(dir.file("junk.pt"), "cpu"),
                      Catch::Contains("junk.pt") && Catch::Contains("cannot load"));
    CHECK_THROWS_AS(inferenceBackend()->load(dir.file("junk.pt"), "tpu"), InputError);
}
