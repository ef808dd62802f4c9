#include "core/batch/BatchState.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/batch/BatchManifest.h"
#include "core/io/CsvWriter.h"
#include "core/util/Errors.h"
#include "core/util/Sha256.h"

namespace rfx {

namespace fs = std::filesystem;

void writeCompletionMarker(const std::string& markerPath, const nlohmann::json& fingerprint,
                           const std::vector<std::string>& outputs)
{
    const fs::path dir = fs::path(markerPath).parent_path();
    nlohmann::json files = nlohmann::json::object();
    for (const auto& o : outputs) {
        std::error_code ec;
        if (!fs::is_regular_file(o, ec))
            throw std::runtime_error(o + ": expected output was not written");
        const fs::path rel = fs::path(o).lexically_relative(dir.empty() ? fs::path(".") : dir);
        files[rel.empty() ? o : rel.string()] = {{"sha256", sha256File(o)}, {"bytes", fs::file_size(o)}};
    }
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    nlohmann::json j = {{"fingerprint", fingerprint}, {"outputs", files}, {"finished_unix_time", static_cast<long long>(now)}};
    writeTextFileAtomic(markerPath, j.dump(2) + "\n");
}

namespace {
bool readMarker(const std::string& markerPath, nlohmann::json& j)
{
    std::error_code ec;
    if (!fs::is_regular_file(markerPath, ec))
        return false;
    try {
        std::ifstream in(markerPath);
        j = nlohmann::json::parse(in);
        return j.is_object() && j.contains("fingerprint") && j.contains("outputs") && j["outputs"].is_object();
    } catch (...) {
        return false;
    }
}
} // namespace

bool completionMarkerValid(const std::string& markerPath, const nlohmann::json& fingerprint, std::string* why)
{
    auto fail = [why](const std::string& reason) {
        if (why)
            *why = reason;
        return false;
    };
    nlohmann::json j;
    if (!readMarker(markerPath, j))
        return fail("no completion marker");
    if (j["fingerprint"] != fingerprint)
        return fail("inputs or options changed since the last run");
    const fs::path dir = fs::path(markerPath).parent_path();
    for (const auto& [name, rec] : j["outputs"].items()) {
        const std::string file = (dir / name).string();
        std::error_code ec;
        if (!fs::is_regular_file(file, ec))
            return fail(name + " is missing");
        if (!rec.contains("sha256") || !rec["sha256"].is_string())
            return fail("marker has no checksum for " + name);
        if (rec.contains("bytes") && rec["bytes"].is_number_unsigned() &&
            rec["bytes"].get<std::uintmax_t>() != fs::file_size(file, ec))
            return fail(name + " changed size");
        if (sha256File(file) != rec["sha256"].get<std::string>())
            return fail(name + " checksum differs");
    }
    return true;
}

std::string markerOutputSha256(const std::string& markerPath, const std::string& output)
{
    nlohmann::json j;
    if (!readMarker(markerPath, j) || !j["outputs"].contains(output))
        return {};
    const auto& rec = j["outputs"][output];
    return rec.contains("sha256") && rec["sha256"].is_string() ? rec["sha256"].get<std::string>() : std::string();
}

nlohmann::json fileIdentity(const std::string& path)
{
    std::error_code ec;
    const fs::path abs = fs::absolute(path, ec);
    nlohmann::json j = {{"path", abs.lexically_normal().string()}};
    if (fs::is_regular_file(path, ec)) {
        j["bytes"] = fs::file_size(path, ec);
        const auto t = fs::last_write_time(path, ec);
        j["mtime_ns"] = static_cast<long long>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
    }
    return j;
}

std::vector<std::string> statusColumns()
{
    return {"id", "line", "path", "condition", "status", "steps", "failed_step", "message", "seconds", "log"};
}

void writeStatusTable(const std::string& path, const std::vector<BatchRowStatus>& rows)
{
    CsvWriter w(statusColumns());
    for (const auto& r : rows) {
        std::string msg = r.message;
        std::replace(msg.begin(), msg.end(), '\n', ' ');
        char secs[32];
        std::snprintf(secs, sizeof secs, "%.1f", r.seconds);
        w.addRow({r.id, std::to_string(r.line), r.path, r.condition, r.status, r.steps, r.failedStep, msg, secs, r.log});
    }
    w.save(path);
}

std::vector<BatchRowStatus> readStatusTable(const std::string& path)
{
    const auto records = parseCsvRecords(readTextFile(path), path);
    if (records.empty() || records[0].cells != statusColumns())
        throw inputError(path, "not a batch status table (unexpected header)");
    std::vector<BatchRowStatus> rows;
    for (std::size_t i = 1; i < records.size(); ++i) {
        const auto& c = records[i].cells;
        if (c.size() != statusColumns().size())
            throw inputError(path, "line " + std::to_string(records[i].line) + ": wrong number of cells");
        BatchRowStatus r;
        r.id = c[0];
        try {
            r.line = static_cast<std::size_t>(std::stoull(c[1]));
            r.seconds = std::stod(c[8]);
        } catch (...) {
            throw inputError(path, "line " + std::to_string(records[i].line) + ": malformed number");
        }
        r.path = c[2];
        r.condition = c[3];
        r.status = c[4];
        r.steps = c[5];
        r.failedStep = c[6];
        r.message = c[7];
        r.log = c[9];
        rows.push_back(r);
    }
    return rows;
}

std::size_t mergeFeatureTables(const std::vector<FeaturePart>& parts, const std::string& outPath)
{
    std::vector<std::string> header;
    bool addSource = false;
    std::size_t sourceColumn = 0;
    std::ostringstream body;
    std::size_t rows = 0;
    for (std::size_t p = 0; p < parts.size(); ++p) {
        const auto records = parseCsvRecords(readTextFile(parts[p].file), parts[p].file);
        if (records.empty())
            throw inputError(parts[p].file, "empty feature table (no header)");
        if (p == 0) {
            header = records[0].cells;
            sourceColumn = static_cast<std::size_t>(std::find(header.begin(), header.end(), "source_file") - header.begin());
            addSource = sourceColumn == header.size();
        } else if (records[0].cells != header) {
            throw inputError(parts[p].file, "its columns differ from those of " + parts[0].file +
                                                "; cannot merge feature tables of different layouts");
        }
        for (std::size_t r = 1; r < records.size(); ++r) {
            const auto& cells = records[r].cells;
            if (cells.size() != header.size())
                throw inputError(parts[p].file, "line " + std::to_string(records[r].line) + ": " +
                                                    std::to_string(cells.size()) + " cells, header has " +
                                                    std::to_string(header.size()));
            std::string line = addSource ? csvEscape(parts[p].sourceFile) : std::string();
            for (std::size_t c = 0; c < cells.size(); ++c) {
                const bool replace = c == sourceColumn && !parts[p].sourceFile.empty();
                line += (c || addSource ? "," : "") + csvEscape(replace ? parts[p].sourceFile : cells[c]);
            }
            body << line << "\n";
            ++rows;
        }
    }
    std::string head = addSource ? std::string("source_file") : std::string();
    for (std::size_t c = 0; c < header.size(); ++c)
        head += (c || addSource ? "," : "") + csvEscape(header[c]);
    writeTextFileAtomic(outPath, head + "\n" + body.str());
    return rows;
}

} // namespace rfx
