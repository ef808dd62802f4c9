#pragma once
// Bookkeeping of a resumable batch: completion markers (fingerprint of the step's inputs and
// options + SHA-256 of every output), status tables and the merged feature table. Every file is
// written atomically (temporary + rename).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rfx {

// Writes MARKER (JSON) recording `fingerprint` and the SHA-256 of each output file (paths are
// stored relative to the marker's folder). Throws when an output does not exist.
void writeCompletionMarker(const std::string& markerPath, const nlohmann::json& fingerprint,
                           const std::vector<std::string>& outputs);

// True when MARKER exists, records exactly `fingerprint`, and every output it lists still exists
// with the recorded SHA-256. `why` receives the reason when false.
bool completionMarkerValid(const std::string& markerPath, const nlohmann::json& fingerprint, std::string* why = nullptr);

// The SHA-256 recorded for `output` (a file name in the marker's folder) in a marker; empty when none.
std::string markerOutputSha256(const std::string& markerPath, const std::string& output);

// Identity of a raw input for fingerprints: absolute path, size and modification time (no
// checksum: raw tomograms can be gigabytes and are read by the step anyway).
nlohmann::json fileIdentity(const std::string& path);

struct BatchRowStatus {
    std::string id;
    std::size_t line = 0;
    std::string path;
    std::string condition;
    std::string status;   // done | failed | pending
    std::string steps;    // e.g. "predict:resumed segment:ran"
    std::string failedStep;
    std::string message;
    double seconds = 0;
    std::string log;
};

std::vector<std::string> statusColumns();
void writeStatusTable(const std::string& path, const std::vector<BatchRowStatus>& rows);
// Reads a status table written by writeStatusTable; InputError when malformed.
std::vector<BatchRowStatus> readStatusTable(const std::string& path);

struct FeaturePart {
    std::string file;        // a per-input feature CSV
    std::string sourceFile;  // value for a source_file column when the CSV has none
};

// Concatenates per-input feature CSVs into one table at `outPath` (atomically), in the given order.
// All parts must have the same header. The `source_file` column (added first when the tables have
// none) holds FeaturePart::sourceFile, the batch's input, rather than the intermediate file the
// table was measured from; an empty sourceFile keeps the table's own value. Returns the number of
// data rows. Throws InputError naming the part whose header differs.
std::size_t mergeFeatureTables(const std::vector<FeaturePart>& parts, const std::string& outPath);

} // namespace rfx
