#pragma once
// Batch manifests (one CSV row per input), deterministic sharding of rows over N workers, and the
// CSV helpers the batch runner needs. See docs/hpc.md for the manifest format.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace rfx {

// RFC 4180 CSV: quoted cells may hold commas, quotes ("") and newlines. Blank lines are skipped.
// Each record keeps the 1-based line it starts on. InputError "SOURCE: ..." for an unterminated quote.
struct CsvRecord {
    std::size_t line = 0;
    std::vector<std::string> cells;
};
std::vector<CsvRecord> parseCsvRecords(const std::string& text, const std::string& source);
std::string readTextFile(const std::string& path);  // InputError when unreadable

struct BatchRow {
    std::size_t index = 0;  // 0-based data row (manifest order); the shard key
    std::size_t line = 0;   // 1-based line in the manifest, for messages
    std::string id;         // unique, file-name safe: the row's output folder name
    std::string path;       // resolved input path (empty when the row has none)
    std::string pathAsWritten;
    std::string condition;
    std::string frames;     // "A:B", "A" or empty (all)
    std::string relaxed, stressed, mask;  // tfm inputs, resolved (empty when absent)
    std::string young, poisson;            // tfm material, as written (empty: batch defaults)
};

struct BatchManifest {
    std::string path;
    std::vector<std::string> columns;  // lower-case header names
    std::vector<BatchRow> rows;
};

struct ManifestRequirements {
    bool needPath = false;       // predict/segment/profile requested
    bool needCondition = false;  // profile requested
    bool needTfm = false;        // tfm requested
    bool checkFilesExist = true;
};

// Reads and validates a manifest. Relative paths are resolved against the manifest's folder.
// InputError "MANIFEST: ..." / "MANIFEST line N: ..." for a missing required column, an empty
// required cell, a malformed frame range or number, a listed file that does not exist, or
// duplicate ids. Ids come from an `id` column, else from the input's file name (plus the frame
// range when one is given).
BatchManifest readBatchManifest(const std::string& path, const ManifestRequirements& req);

// "A:B" (half-open, either side optional) or "A" with non-negative integers; false otherwise.
bool isFrameRangeSyntax(const std::string& s);

// Keeps letters, digits, '.', '_' and '-'; everything else becomes '_'.
std::string sanitizeId(const std::string& s);

struct ShardSpec {
    std::size_t index = 0;  // 0-based, < count
    std::size_t count = 1;
    bool sharded() const { return count > 1; }
    std::string label() const;  // "shard-I-of-N"
};

// "I/N" with 0 <= I < N (0-based, matching SLURM_ARRAY_TASK_ID of --array=0-(N-1)).
// InputError "--shard: ..." otherwise.
ShardSpec parseShardSpec(const std::string& spec);

// Row indices (0..rowCount-1) of shard I of N: round-robin (row % N == I), in manifest order.
// Every row belongs to exactly one shard; appending rows never moves existing rows.
std::vector<std::size_t> shardRows(std::size_t rowCount, const ShardSpec& shard);

} // namespace rfx
