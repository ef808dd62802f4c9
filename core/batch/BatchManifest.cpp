#include "core/batch/BatchManifest.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/util/Errors.h"

namespace rfx {

namespace fs = std::filesystem;

namespace {

std::string trim(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos)
        return {};
    const auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

std::string lower(std::string s)
{
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool isNonNegativeInteger(const std::string& s)
{
    return !s.empty() && s.size() < 12 &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

bool isNumber(const std::string& s)
{
    try {
        std::size_t used = 0;
        const double v = std::stod(s, &used);
        return used == s.size() && std::isfinite(v);
    } catch (...) {
        return false;
    }
}

} // namespace

std::string readTextFile(const std::string& path)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw inputError(path, "not found");
    if (fs::is_directory(path, ec))
        throw inputError(path, "is a directory, expected a CSV file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw inputError(path, "cannot be read");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<CsvRecord> parseCsvRecords(const std::string& text, const std::string& source)
{
    std::vector<CsvRecord> records;
    CsvRecord cur;
    std::string cell;
    bool inQuotes = false;
    bool cellQuoted = false;
    bool any = false;  // the current record has content
    std::size_t line = 1;
    std::size_t quoteLine = 0;
    cur.line = 1;
    auto endCell = [&] {
        cur.cells.push_back(cellQuoted ? cell : trim(cell));
        cell.clear();
        cellQuoted = false;
    };
    auto endRecord = [&] {
        endCell();
        const bool blank = !any;
        if (!blank)
            records.push_back(cur);
        cur = CsvRecord{};
        any = false;
    };
    std::size_t i = 0;
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0)
        i = 3;  // UTF-8 byte order mark (spreadsheet exports)
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (inQuotes) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    cell += '"';
                    ++i;
                } else {
                    inQuotes = false;
                }
            } else {
                if (c == '\n')
                    ++line;
                cell += c;
            }
            continue;
        }
        if (c == '"' && trim(cell).empty()) {
            inQuotes = true;
            cellQuoted = true;
            quoteLine = line;
            cell.clear();
            any = true;
        } else if (c == ',') {
            endCell();
            any = true;
        } else if (c == '\n') {
            endRecord();
            ++line;
            cur.line = line;
        } else if (c != '\r') {
            cell += c;
            if (c != ' ' && c != '\t')
                any = true;
        }
    }
    if (inQuotes)
        throw inputError(source, "unterminated quote starting on line " + std::to_string(quoteLine));
    if (any || !cell.empty())
        endRecord();
    return records;
}

bool isFrameRangeSyntax(const std::string& s)
{
    const auto colon = s.find(':');
    if (colon == std::string::npos)
        return isNonNegativeInteger(s);
    const std::string a = s.substr(0, colon), b = s.substr(colon + 1);
    if (b.find(':') != std::string::npos)
        return false;
    if (!a.empty() && !isNonNegativeInteger(a))
        return false;
    if (!b.empty() && !isNonNegativeInteger(b))
        return false;
    if (!a.empty() && !b.empty() && std::stoll(a) >= std::stoll(b))
        return false;
    return true;
}

std::string sanitizeId(const std::string& s)
{
    std::string out;
    for (char c : s)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') ? c : '_';
    while (!out.empty() && out.front() == '.')
        out.erase(out.begin());  // no hidden folders, no "." or ".."
    return out;
}

BatchManifest readBatchManifest(const std::string& path, const ManifestRequirements& req)
{
    const std::vector<CsvRecord> records = parseCsvRecords(readTextFile(path), path);
    if (records.empty())
        throw inputError(path, "empty manifest; expected a header row (path,condition[,frames]...) and one row per input");
    BatchManifest m;
    m.path = path;
    for (const auto& h : records[0].cells)
        m.columns.push_back(lower(trim(h)));
    std::map<std::string, std::size_t> col;
    for (std::size_t c = 0; c < m.columns.size(); ++c) {
        if (m.columns[c].empty())
            continue;
        if (!col.emplace(m.columns[c], c).second)
            throw inputError(path, "duplicate column '" + m.columns[c] + "' in the header");
    }
    auto requireColumn = [&](const std::string& name, const std::string& why) {
        if (!col.count(name))
            throw inputError(path, "missing column '" + name + "' (" + why + ")");
    };
    if (req.needPath)
        requireColumn("path", "the input of predict/segment/profile");
    if (req.needCondition)
        requireColumn("condition", "profile labels every cell with its input's condition");
    if (req.needTfm) {
        requireColumn("relaxed", "tfm needs a relaxed bead volume per row");
        requireColumn("stressed", "tfm needs a stressed bead volume per row");
    }
    if (!col.count("path") && !col.count("relaxed"))
        throw inputError(path, "missing column 'path' (no input column in the header)");
    if (records.size() < 2)
        throw inputError(path, "the manifest lists no inputs (only a header)");

    const fs::path base = fs::path(path).parent_path();
    auto resolve = [&](const std::string& p) -> std::string {
        if (p.empty())
            return {};
        const fs::path fp(p);
        return fs::absolute(fp.is_absolute() || base.empty() ? fp : base / fp).lexically_normal().string();
    };
    std::set<std::string> ids;
    for (std::size_t r = 1; r < records.size(); ++r) {
        const CsvRecord& rec = records[r];
        const std::string where = path + " line " + std::to_string(rec.line);
        if (rec.cells.size() > m.columns.size())
            throw InputError(where + ": " + std::to_string(rec.cells.size()) + " cells but the header has " +
                             std::to_string(m.columns.size()) + " columns");
        auto cellOf = [&](const std::string& name) -> std::string {
            auto it = col.find(name);
            if (it == col.end() || it->second >= rec.cells.size())
                return {};
            return rec.cells[it->second];
        };
        BatchRow row;
        row.index = r - 1;
        row.line = rec.line;
        row.pathAsWritten = cellOf("path");
        row.path = resolve(row.pathAsWritten);
        row.condition = cellOf("condition");
        row.frames = cellOf("frames");
        row.relaxed = resolve(cellOf("relaxed"));
        row.stressed = resolve(cellOf("stressed"));
        row.mask = resolve(cellOf("mask"));
        row.young = cellOf("young");
        row.poisson = cellOf("poisson");

        if (req.needPath && row.path.empty())
            throw InputError(where + ": empty 'path'");
        if (req.needCondition && row.condition.empty())
            throw InputError(where + ": empty 'condition'");
        if (req.needTfm && (row.relaxed.empty() || row.stressed.empty()))
            throw InputError(where + ": tfm needs both 'relaxed' and 'stressed'");
        if (row.path.empty() && row.relaxed.empty())
            throw InputError(where + ": no input (empty 'path')");
        if (!row.frames.empty() && !isFrameRangeSyntax(row.frames))
            throw InputError(where + ": frames '" + row.frames + "': expected A:B (half-open) or A, non-negative integers");
        for (const auto& [name, value] : {std::pair<std::string, std::string>{"young", row.young}, {"poisson", row.poisson}})
            if (!value.empty() && !isNumber(value))
                throw InputError(where + ": " + name + " '" + value + "' is not a number");
        if (req.checkFilesExist) {
            std::error_code ec;
            const bool usesPath = req.needPath;
            for (const auto& [name, value] :
                 {std::pair<std::string, std::string>{"path", usesPath ? row.path : std::string()},
                  {"relaxed", req.needTfm ? row.relaxed : std::string()},
                  {"stressed", req.needTfm ? row.stressed : std::string()},
                  {"mask", req.needTfm ? row.mask : std::string()}})
                if (!value.empty() && !fs::exists(value, ec))
                    throw InputError(where + ": " + name + " '" + value + "' not found");
        }
        if (col.count("id")) {
            const std::string raw = cellOf("id");
            row.id = sanitizeId(raw);
            if (row.id.empty())
                throw InputError(where + ": empty id");
        } else {
            const std::string from = !row.path.empty() ? row.path : row.relaxed;
            row.id = sanitizeId(fs::path(from).stem().string());
            if (row.id.empty())
                row.id = "row" + std::to_string(row.index + 1);
            if (!row.frames.empty())
                row.id += "_t" + sanitizeId(row.frames == std::string(":") ? "all" : row.frames);
        }
        if (row.id == "logs" || row.id.rfind("status", 0) == 0 || row.id == "features")
            row.id = "input_" + row.id;  // never collide with the batch's own files
        if (!ids.insert(row.id).second)
            throw InputError(where + ": id '" + row.id +
                             "' is used by an earlier row; add an 'id' column with a unique name per row");
        m.rows.push_back(row);
    }
    return m;
}

std::string ShardSpec::label() const
{
    return "shard-" + std::to_string(index) + "-of-" + std::to_string(count);
}

ShardSpec parseShardSpec(const std::string& spec)
{
    const auto slash = spec.find('/');
    const std::string bad = "--shard: expected I/N with 0 <= I < N (0-based shard index), got '" + spec + "'";
    if (slash == std::string::npos)
        throw InputError(bad);
    const std::string a = spec.substr(0, slash), b = spec.substr(slash + 1);
    if (!isNonNegativeInteger(a) || !isNonNegativeInteger(b))
        throw InputError(bad);
    ShardSpec s;
    s.index = static_cast<std::size_t>(std::stoll(a));
    s.count = static_cast<std::size_t>(std::stoll(b));
    if (s.count == 0 || s.index >= s.count)
        throw InputError(bad);
    return s;
}

std::vector<std::size_t> shardRows(std::size_t rowCount, const ShardSpec& shard)
{
    std::vector<std::size_t> rows;
    for (std::size_t r = shard.index; r < rowCount; r += shard.count)
        rows.push_back(r);
    return rows;
}

} // namespace rfx
