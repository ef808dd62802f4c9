#pragma once
// The subcommands of refractome-cli. Each pairs a spec (usage, options, help) with a runner
// that calls core algorithms; nothing here holds domain logic.
#include <vector>

#include "app/cli/CliSupport.h"

namespace rfx::cli {

struct Command {
    CommandSpec (*spec)();
    int (*run)(const ParsedArgs&);
};

CommandSpec infoSpec();
int runInfo(const ParsedArgs& args);
CommandSpec convertSpec();
int runConvert(const ParsedArgs& args);
CommandSpec synthSpec();
int runSynth(const ParsedArgs& args);
CommandSpec tfmSpec();
int runTfm(const ParsedArgs& args);
CommandSpec predictSpec();
int runPredict(const ParsedArgs& args);
CommandSpec embedSpec();
int runEmbed(const ParsedArgs& args);
CommandSpec statsSpec();
int runStats(const ParsedArgs& args);
CommandSpec evaluateSpec();
int runEvaluate(const ParsedArgs& args);
CommandSpec stitchSpec();
int runStitch(const ParsedArgs& args);
CommandSpec segmentSpec();
int runSegment(const ParsedArgs& args);
CommandSpec profileSpec();
int runProfile(const ParsedArgs& args);
CommandSpec renderSpec();
int runRender(const ParsedArgs& args);
CommandSpec movieSpec();
int runMovie(const ParsedArgs& args);
CommandSpec batchSpec();
int runBatch(const ParsedArgs& args);

// All commands in the order --help lists them.
const std::vector<Command>& commands();

} // namespace rfx::cli
