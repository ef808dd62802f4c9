#include "app/cli/Commands.h"

namespace rfx::cli {

const std::vector<Command>& commands()
{
    static const std::vector<Command> list = {
        {infoSpec, runInfo},
        {convertSpec, runConvert},
        {synthSpec, runSynth},
        {tfmSpec, runTfm},
        {predictSpec, runPredict},
        {embedSpec, runEmbed},
        {statsSpec, runStats},
        {evaluateSpec, runEvaluate},
        {stitchSpec, runStitch},
        {segmentSpec, runSegment},
        {profileSpec, runProfile},
        {renderSpec, runRender},
        {movieSpec, runMovie},
        {batchSpec, runBatch},
    };
    return list;
}

} // namespace rfx::cli
