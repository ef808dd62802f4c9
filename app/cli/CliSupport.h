#pragma once
// Command-line plumbing shared by all refractome-cli subcommands: option parsing, the stderr
// progress bar with ETA, Ctrl-C -> cancel token, and exit codes (0 ok, 1 failure, 2 bad input).
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <utility>
#include <string>
#include <vector>

#include "core/util/Progress.h"

namespace rfx::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitCancelled = 130;

struct OptionSpec {
    std::string name;  // without dashes, e.g. "frame"
    bool takesValue = true;
    std::string help;
    std::string metavar = "VALUE";
};

struct CommandSpec {
    std::string name;
    std::string usage;    // e.g. "info FILE [--json]"
    std::string summary;  // one line
    std::string details;  // paragraph(s) for --help
    std::vector<OptionSpec> options;
    std::size_t minPositional = 0;
    std::size_t maxPositional = 0;
};

class ParsedArgs {
public:
    std::vector<std::string> positional;
    bool has(const std::string& name) const { return values_.count(name) > 0; }
    std::string get(const std::string& name, const std::string& fallback = "") const;
    // Typed accessors: InputError "--name: expected ..." on malformed values.
    double getDouble(const std::string& name, double fallback) const;
    long long getInt(const std::string& name, long long fallback) const;
    // "A,B,C" -> three doubles.
    std::vector<double> getDoubles(const std::string& name, std::size_t count) const;
    std::map<std::string, std::string> values_;
};

// Parses argv after the subcommand name; throws InputError on unknown options or arity.
ParsedArgs parseArgs(const CommandSpec& spec, const std::vector<std::string>& args);
std::string helpText(const CommandSpec& spec);

// Progress bar on stderr: redraws in place on a terminal, prints every 10 % otherwise.
class ProgressBar {
public:
    explicit ProgressBar(std::string label, bool quiet = false);
    ~ProgressBar();
    ProgressFn callback();
    void finish();

private:
    void draw(double fraction, const std::string& stage);
    std::string label_;
    bool quiet_;
    bool tty_;
    bool finished_ = false;
    int lastDecile_ = -1;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point lastDraw_;
};

// A cancel token tripped by SIGINT/SIGTERM while the returned guard lives.
class InterruptGuard {
public:
    InterruptGuard();
    ~InterruptGuard();
    const CancelToken& token() const { return token_; }

private:
    CancelToken token_;
};

// The -o OUT.h5 of a command writing a results file: present, named *.h5 or *.hdf5, and in a
// writable folder (InputError "<command>: ..." otherwise).
std::string requireResultsOutput(const ParsedArgs& args, const std::string& command);

// "A:B" (half-open, either side optional) or "A" -> frame indices within [0, count);
// InputError "--frames: ..." when malformed or selecting nothing.
std::vector<std::size_t> parseFrameRange(const std::string& spec, std::size_t count);

// --size W,H of an image or movie (whole numbers 16..8192), or the defaults when absent.
std::pair<int, int> parseImageSize(const ParsedArgs& args, int defaultWidth, int defaultHeight);

// --channels a,b -> names; empty when absent; InputError when given but naming nothing.
std::vector<std::string> parseChannelNames(const ParsedArgs& args);

// Runs a command body, mapping exceptions to one-line messages and exit codes.
int runGuarded(const std::string& command, const std::function<int()>& body);

} // namespace rfx::cli
