#include "app/cli/CliSupport.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "core/io/AtomicFile.h"
#include "core/util/Errors.h"

namespace rfx::cli {

std::string ParsedArgs::get(const std::string& name, const std::string& fallback) const
{
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
}

double ParsedArgs::getDouble(const std::string& name, double fallback) const
{
    if (!has(name))
        return fallback;
    const std::string s = get(name);
    try {
        std::size_t used = 0;
        double v = std::stod(s, &used);
        if (used == s.size() && std::isfinite(v))
            return v;
    } catch (...) {
    }
    throw InputError("--" + name + ": expected a number, got '" + s + "'");
}

long long ParsedArgs::getInt(const std::string& name, long long fallback) const
{
    if (!has(name))
        return fallback;
    const std::string s = get(name);
    try {
        std::size_t used = 0;
        long long v = std::stoll(s, &used);
        if (used == s.size())
            return v;
    } catch (...) {
    }
    throw InputError("--" + name + ": expected an integer, got '" + s + "'");
}

std::vector<double> ParsedArgs::getDoubles(const std::string& name, std::size_t count) const
{
    std::vector<double> out;
    std::stringstream ss(get(name));
    std::string item;
    while (std::getline(ss, item, ',')) {
        try {
            std::size_t used = 0;
            double v = std::stod(item, &used);
            if (used != item.size() || !std::isfinite(v))
                throw 0;
            out.push_back(v);
        } catch (...) {
            throw InputError("--" + name + ": expected " + std::to_string(count) + " comma-separated numbers, got '" +
                             get(name) + "'");
        }
    }
    if (out.size() != count)
        throw InputError("--" + name + ": expected " + std::to_string(count) + " comma-separated numbers, got '" +
                         get(name) + "'");
    return out;
}

ParsedArgs parseArgs(const CommandSpec& spec, const std::vector<std::string>& args)
{
    ParsedArgs parsed;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.size() > 1 && a[0] == '-' && !(a.size() > 1 && (std::isdigit(static_cast<unsigned char>(a[1])) || a[1] == '.'))) {
            std::string name = a.substr(a[1] == '-' ? 2 : 1);
            std::string value;
            bool inlineValue = false;
            if (auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                inlineValue = true;
            }
            const OptionSpec* opt = nullptr;
            for (const auto& o : spec.options)
                if (o.name == name || (name.size() == 1 && o.name == "output" && name == "o"))
                    opt = &o;
            if (!opt)
                throw InputError(spec.name + ": unknown option '" + a + "' (see refractome-cli " + spec.name +
                                 " --help)");
            if (opt->takesValue && !inlineValue) {
                if (i + 1 >= args.size())
                    throw InputError(spec.name + ": option --" + opt->name + " needs a value");
                value = args[++i];
            }
            parsed.values_[opt->name] = opt->takesValue ? value : "1";
        } else {
            parsed.positional.push_back(a);
        }
    }
    if (parsed.positional.size() < spec.minPositional || parsed.positional.size() > spec.maxPositional)
        throw InputError(spec.name + ": wrong number of arguments; usage: refractome-cli " + spec.usage);
    return parsed;
}

std::string helpText(const CommandSpec& spec)
{
    std::ostringstream out;
    out << "usage: refractome-cli " << spec.usage << "\n\n" << spec.summary << "\n";
    if (!spec.details.empty())
        out << "\n" << spec.details << "\n";
    if (!spec.options.empty()) {
        out << "\noptions:\n";
        for (const auto& o : spec.options) {
            std::string left = (o.name == "output" ? "-o, --" : "    --") + o.name + (o.takesValue ? " " + o.metavar : "");
            out << "  " << left;
            if (left.size() < 26)
                out << std::string(26 - left.size(), ' ');
            else
                out << "\n" << std::string(28, ' ');
            out << o.help << "\n";
        }
    }
    out << "  -h, --help                show this help\n";
    return out.str();
}

ProgressBar::ProgressBar(std::string label, bool quiet)
    : label_(std::move(label)), quiet_(quiet), tty_(::isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now())
{
}

ProgressBar::~ProgressBar() { finish(); }

ProgressFn ProgressBar::callback()
{
    return [this](double f, const std::string& stage) { draw(f, stage); };
}

void ProgressBar::draw(double fraction, const std::string& stage)
{
    if (quiet_ || finished_)
        return;
    fraction = std::clamp(fraction, 0.0, 1.0);
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    std::string eta = "--";
    if (fraction > 0.01) {
        const double remaining = elapsed * (1.0 - fraction) / fraction;
        char buf[32];
        if (remaining >= 60)
            std::snprintf(buf, sizeof buf, "%dm%02ds", int(remaining) / 60, int(remaining) % 60);
        else
            std::snprintf(buf, sizeof buf, "%.0fs", remaining);
        eta = buf;
    }
    if (tty_) {
        if (std::chrono::duration<double>(now - lastDraw_).count() < 0.1 && fraction < 1.0)
            return;
        lastDraw_ = now;
        const int width = 30;
        const int filled = static_cast<int>(fraction * width);
        std::fprintf(stderr, "\r%s [%s%s] %3.0f%% ETA %s %-30.30s", label_.c_str(), std::string(filled, '#').c_str(),
                     std::string(width - filled, ' ').c_str(), fraction * 100.0, eta.c_str(), stage.c_str());
    } else {
        const int decile = static_cast<int>(fraction * 10.0);
        if (decile == lastDecile_)
            return;
        lastDecile_ = decile;
        std::fprintf(stderr, "%s: %3d%% (ETA %s) %s\n", label_.c_str(), decile * 10, eta.c_str(), stage.c_str());
    }
    std::fflush(stderr);
}

void ProgressBar::finish()
{
    if (finished_ || quiet_)
        return;
    finished_ = true;
    if (tty_)
        std::fprintf(stderr, "\n");
}

namespace {
std::atomic<bool>* g_interruptFlag = nullptr;
void onInterrupt(int) { if (g_interruptFlag) g_interruptFlag->store(true); }
} // namespace

InterruptGuard::InterruptGuard()
{
    g_interruptFlag = token_.raw();
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

InterruptGuard::~InterruptGuard()
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    g_interruptFlag = nullptr;
}

int runGuarded(const std::string& command, const std::function<int()>& body)
{
    try {
        return body();
    } catch (const CancelledError&) {
        std::cerr << "refractome-cli " << command << ": cancelled; nothing was written\n";
        return kExitCancelled;
    } catch (const InputError& e) {
        std::cerr << "refractome-cli " << command << ": error: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const std::bad_alloc&) {
        std::cerr << "refractome-cli " << command << ": error: out of memory\n";
        return kExitFailure;
    } catch (const std::exception& e) {
        std::cerr << "refractome-cli " << command << ": failed: " << e.what() << "\n";
        return kExitFailure;
    }
}

std::string requireResultsOutput(const ParsedArgs& args, const std::string& command)
{
    if (!args.has("output"))
        throw InputError(command + ": missing -o OUT.h5");
    const std::string out = args.get("output");
    const std::string ext = std::filesystem::path(out).extension().string();
    if (ext != ".h5" && ext != ".hdf5")
        throw InputError(out + ": " + command + " writes a results HDF5; name it *.h5");
    checkWritableDestination(out);
    return out;
}

std::pair<int, int> parseImageSize(const ParsedArgs& args, int defaultWidth, int defaultHeight)
{
    if (!args.has("size"))
        return {defaultWidth, defaultHeight};
    const auto wh = args.getDoubles("size", 2);
    if (wh.size() != 2 || wh[0] < 16 || wh[1] < 16 || wh[0] > 8192 || wh[1] > 8192 || wh[0] != std::floor(wh[0]) ||
        wh[1] != std::floor(wh[1]))
        throw InputError("--size: expected W,H with whole numbers between 16 and 8192, got '" + args.get("size") + "'");
    return {static_cast<int>(wh[0]), static_cast<int>(wh[1])};
}

std::vector<std::string> parseChannelNames(const ParsedArgs& args)
{
    std::vector<std::string> names;
    if (!args.has("channels"))
        return names;
    std::stringstream ss(args.get("channels"));
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty())
            names.push_back(item);
    if (names.empty())
        throw InputError("--channels: no channel named");
    return names;
}

std::vector<std::size_t> parseFrameRange(const std::string& spec, std::size_t count)
{
    auto number = [&](const std::string& s, std::size_t fallback) -> std::size_t {
        if (s.empty())
            return fallback;
        try {
            std::size_t used = 0;
            long long v = std::stoll(s, &used);
            if (used == s.size() && v >= 0)
                return static_cast<std::size_t>(v);
        } catch (...) {
        }
        throw InputError("--frames: expected A:B or A with non-negative integers, got '" + spec + "'");
    };
    std::size_t a = 0, b = count;
    if (const auto colon = spec.find(':'); colon != std::string::npos) {
        a = number(spec.substr(0, colon), 0);
        b = std::min(count, number(spec.substr(colon + 1), count));
    } else {
        a = number(spec, 0);
        b = a + 1;
    }
    if (a >= b || a >= count)
        throw InputError("--frames: '" + spec + "' selects no frame of the " + std::to_string(count) + " available");
    std::vector<std::size_t> frames;
    for (std::size_t t = a; t < b; ++t)
        frames.push_back(t);
    return frames;
}

} // namespace rfx::cli
