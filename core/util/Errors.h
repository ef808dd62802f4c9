#pragma once
// Error kinds that map onto the CLI's exit codes: InputError -> 2 (bad input or usage),
// anything else -> 1 (run-time failure), CancelledError -> 130-style clean stop.
#include <stdexcept>
#include <string>

namespace rfx {

// The user's input is wrong (bad file, bad option, inconsistent data). Message is one line
// naming the file and the problem.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The user cancelled a long-running operation.
class CancelledError : public std::runtime_error {
public:
    CancelledError() : std::runtime_error("cancelled") {}
};

// Builds "FILE: problem" messages consistently.
inline InputError inputError(const std::string& file, const std::string& problem)
{
    return InputError(file.empty() ? problem : file + ": " + problem);
}

} // namespace rfx
