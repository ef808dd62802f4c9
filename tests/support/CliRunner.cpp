#include "tests/support/CliRunner.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

#include "tests/support/TempDir.h"

namespace rfx::test {

std::string quoted(const std::string& s)
{
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

namespace {
std::string slurp(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
} // namespace

CommandResult runShell(const std::string& command)
{
    TempDir dir;
    const std::string out = dir.file("stdout"), err = dir.file("stderr");
    const std::string full = command + " >" + quoted(out) + " 2>" + quoted(err) + " </dev/null";
    const int status = std::system(full.c_str());
    CommandResult r;
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

CommandResult runCli(const std::string& args) { return runShell(quoted(REFRACTOME_CLI) + " " + args); }

} // namespace rfx::test
