// refractome-cli: the headless entry point. Wiring only: parse the subcommand and hand over.
#include <iostream>
#include <string>
#include <vector>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "app/cli/Commands.h"
#include "core/util/Version.h"
#ifdef REFRACTOME_HAVE_TORCH
#include "core/torch/TorchBackend.h"
#endif

using namespace rfx::cli;

namespace {
void printUsage(std::ostream& out)
{
    out << "usage: refractome-cli COMMAND [ARGS...]\n\n"
           "Refractome " << rfx::version() << ": label-free 3D cell imaging from the command line.\n\ncommands:\n";
    for (const auto& c : commands()) {
        const CommandSpec s = c.spec();
        out << "  " << s.name << std::string(s.name.size() < 10 ? 10 - s.name.size() : 1, ' ') << s.summary << "\n";
    }
    out << "\nRun 'refractome-cli COMMAND --help' for a command's options.\n"
           "Exit codes: 0 success, 1 run-time failure, 2 bad input or usage, 130 cancelled.\n";
}
} // namespace

int main(int argc, char** argv)
{
#ifdef __GLIBC__
    // A batch process: keep freed memory for reuse instead of handing every large block back to the
    // kernel. LibTorch and the volume code allocate and free buffers of 30-100 MB per operation; by
    // glibc's default each is a fresh mmap, page-faulted in again (1.4 s of system time in a 4.4 s
    // learned force run, docs/performance.md). Peak memory is unchanged; it is returned at exit.
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
#ifdef REFRACTOME_HAVE_TORCH
    rfx::torchbackend::install();
#endif
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        printUsage(std::cerr);
        return kExitBadInput;
    }
    const std::string name = args[0];
    if (name == "--help" || name == "-h" || name == "help") {
        printUsage(std::cout);
        return kExitOk;
    }
    if (name == "--version" || name == "version") {
        std::cout << "refractome-cli " << rfx::version() << "\n";
        return kExitOk;
    }
    for (const auto& c : commands()) {
        const CommandSpec spec = c.spec();
        if (spec.name != name)
            continue;
        std::vector<std::string> rest(args.begin() + 1, args.end());
        for (const auto& a : rest)
            if (a == "--help" || a == "-h") {
                std::cout << helpText(spec);
                return kExitOk;
            }
        return runGuarded(name, [&] { return c.run(parseArgs(spec, rest)); });
    }
    std::cerr << "refractome-cli: unknown command '" << name << "'\n";
    printUsage(std::cerr);
    return kExitBadInput;
}
