#include "core/analysis/FeatureTable.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/io/CsvWriter.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {

std::string trimmed(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

} // namespace

const std::vector<std::string>& identifierColumnNames()
{
    static const std::vector<std::string> names = {"source_file", "file",          "frame",         "time_s",
                                                   "cell_id",     "track_id",      "parent_id",     "touches_border", "condition", "centroid_x_um",
                                                   "centroid_y_um", "centroid_z_um"};
    return names;
}

bool isIdentifierColumnName(const std::string& name)
{
    // A row index as pandas (an empty or "Unnamed: 0" header) or R ("index") writes it numbers the
    // rows; it is not a measurement.
    if (trimmed(name).empty() || name == "index" || name.rfind("Unnamed: ", 0) == 0)
        return true;
    const auto& n = identifierColumnNames();
    return std::find(n.begin(), n.end(), name) != n.end();
}

namespace {

enum class CellKind { Number, Missing, NonFinite, Text };

bool equalsIgnoreCase(const std::string& a, const char* b)
{
    std::size_t i = 0;
    for (; i < a.size() && b[i]; ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != b[i])
            return false;
    return i == a.size() && !b[i];
}

// from_chars: locale-independent, so "1,5" never silently reads as 1.
CellKind classifyCell(const std::string& raw, double& value)
{
    const std::string s = trimmed(raw);
    if (s.empty() || equalsIgnoreCase(s, "nan") || equalsIgnoreCase(s, "na"))
        return CellKind::Missing;
    const char* first = s.data() + (s[0] == '+' ? 1 : 0);
    const char* last = s.data() + s.size();
    auto [end, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || end != last)
        return CellKind::Text;
    return std::isfinite(value) ? CellKind::Number : CellKind::NonFinite;
}

} // namespace

FeatureTable::FeatureTable(std::vector<std::string> columns, std::vector<std::vector<std::string>> rows,
                           std::string source, std::vector<std::size_t> lines)
    : columns_(std::move(columns)), rows_(std::move(rows)), lines_(std::move(lines)), source_(std::move(source))
{
    if (columns_.empty())
        throw inputError(source_, "empty table (no header row)");
    if (rows_.empty())
        throw inputError(source_, "no data rows after the header");
    if (lines_.size() != rows_.size()) {
        lines_.resize(rows_.size());
        for (std::size_t r = 0; r < rows_.size(); ++r)
            lines_[r] = r + 2;
    }
    std::set<std::string> seen;
    for (const auto& c : columns_)
        if (!seen.insert(c).second)
            throw inputError(source_, "duplicate column '" + c + "'");
    for (std::size_t r = 0; r < rows_.size(); ++r)
        if (rows_[r].size() != columns_.size())
            throw inputError(source_, "line " + std::to_string(lines_[r]) + " has " + std::to_string(rows_[r].size()) +
                                          " fields, the header has " + std::to_string(columns_.size()));
    classify();
}

// A column is a feature when it is not an identifier and every cell is a number or missing, with
// at least one number; missing or infinite cells in a feature column are then errors.
void FeatureTable::classify()
{
    feature_.assign(columns_.size(), false);
    values_.assign(columns_.size(), {});
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        if (isIdentifierColumnName(columns_[c]))
            continue;
        std::vector<double> v(rows_.size());
        bool anyNumber = false, anyText = false;
        for (std::size_t r = 0; r < rows_.size() && !anyText; ++r) {
            const CellKind k = classifyCell(rows_[r][c], v[r]);
            anyNumber |= k == CellKind::Number;
            anyText |= k == CellKind::Text;
        }
        if (anyText || !anyNumber)
            continue;
        for (std::size_t r = 0; r < rows_.size(); ++r) {
            double x;
            const CellKind k = classifyCell(rows_[r][c], x);
            if (k != CellKind::Number)
                throw inputError(source_, "row " + std::to_string(r + 1) + " (line " + std::to_string(lines_[r]) +
                                              "), column '" + columns_[c] + "': " +
                                              (k == CellKind::Missing ? "missing value" : "non-finite value") +
                                              " in a feature column");
        }
        feature_[c] = true;
        values_[c] = std::move(v);
    }
}

FeatureTable FeatureTable::parse(const std::string& text, const std::string& source)
{
    // RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; CRLF or LF endings.
    std::vector<std::vector<std::string>> records;
    std::vector<std::size_t> recordLines;
    std::vector<std::string> record;
    std::string field;
    bool inQuotes = false, fieldStarted = false, fieldQuoted = false;
    std::size_t line = 1, recordLine = 1;
    auto endField = [&] {
        record.push_back(std::move(field));
        field.clear();
        fieldStarted = fieldQuoted = false;
    };
    auto endRecord = [&] {
        endField();
        records.push_back(std::move(record));
        recordLines.push_back(recordLine);
        record.clear();
    };
    std::size_t start = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;  // UTF-8 BOM from spreadsheets
    for (std::size_t i = start; i < text.size(); ++i) {
        const char ch = text[i];
        if (inQuotes) {
            if (ch == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    inQuotes = false;
                }
            } else {
                if (ch == '\n')
                    ++line;
                field += ch;
            }
            continue;
        }
        if (ch == '"' && !fieldStarted) {
            inQuotes = fieldStarted = fieldQuoted = true;
        } else if (ch == ',') {
            endField();
        } else if (ch == '\n' || ch == '\r') {
            if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
            if (record.empty() && field.empty() && !fieldQuoted) {  // blank lines are not records
                ++line;
                recordLine = line;
                continue;
            }
            endRecord();
            ++line;
            recordLine = line;
        } else {
            field += ch;
            fieldStarted = true;
        }
    }
    if (inQuotes)
        throw inputError(source, "unterminated quoted field starting on line " + std::to_string(recordLine));
    if (fieldStarted || !field.empty() || !record.empty())
        endRecord();
    if (records.empty())
        throw inputError(source, "empty table (no header row)");
    std::vector<std::string> header = std::move(records.front());
    records.erase(records.begin());
    recordLines.erase(recordLines.begin());
    return FeatureTable(std::move(header), std::move(records), source, std::move(recordLines));
}

FeatureTable FeatureTable::read(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw inputError(path, "cannot open for reading");
    std::stringstream ss;
    ss << in.rdbuf();
    return parse(ss.str(), path);
}

int FeatureTable::columnIndex(const std::string& name) const
{
    const auto it = std::find(columns_.begin(), columns_.end(), name);
    return it == columns_.end() ? -1 : static_cast<int>(it - columns_.begin());
}

std::vector<std::string> FeatureTable::textColumn(std::size_t col) const
{
    std::vector<std::string> out;
    out.reserve(rows_.size());
    for (const auto& r : rows_)
        out.push_back(r[col]);
    return out;
}

std::vector<std::size_t> FeatureTable::featureColumns() const
{
    std::vector<std::size_t> out;
    for (std::size_t c = 0; c < columns_.size(); ++c)
        if (feature_[c])
            out.push_back(c);
    return out;
}

std::vector<std::size_t> FeatureTable::nonFeatureColumns() const
{
    std::vector<std::size_t> out;
    for (std::size_t c = 0; c < columns_.size(); ++c)
        if (!feature_[c])
            out.push_back(c);
    return out;
}

std::vector<std::size_t> FeatureTable::nonNumericColumns() const
{
    std::vector<std::size_t> out;
    for (std::size_t c = 0; c < columns_.size(); ++c)
        if (!feature_[c] && !isIdentifierColumnName(columns_[c]))
            out.push_back(c);
    return out;
}

const std::vector<double>& FeatureTable::values(std::size_t col) const
{
    if (!feature_.at(col))
        throw std::logic_error("FeatureTable: column '" + columns_[col] + "' is not a feature");
    return values_[col];
}

void FeatureTable::requireRows(std::size_t n, const std::string& purpose) const
{
    if (rows_.size() < n)
        throw inputError(source_, purpose + " needs at least " + std::to_string(n) + " rows, the table has " +
                                      std::to_string(rows_.size()));
}

std::string FeatureTable::toCsv() const
{
    CsvWriter w(columns_);
    for (const auto& r : rows_)
        w.addRow(r);
    return w.text();
}

void FeatureTable::save(const std::string& path) const { writeTextFileAtomic(path, toCsv()); }

} // namespace rfx
