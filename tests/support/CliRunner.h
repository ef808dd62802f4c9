#pragma once
// Runs refractome-cli (or any command) in a shell and captures exit code, stdout and stderr.
#include <string>

namespace rfx::test {

struct CommandResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};

// `args` is appended to the executable path verbatim (quote paths yourself with quoted()).
CommandResult runCli(const std::string& args);
CommandResult runShell(const std::string& command);
std::string quoted(const std::string& s);

} // namespace rfx::test
