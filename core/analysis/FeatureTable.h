#pragma once
// A per-cell feature table read from CSV (RFC 4180, header row). Each column is either a numeric
// feature or an identifier/metadata column; the classification is fixed when the table is built
// and missing or non-finite values in a feature column are refused there, naming file, row and column.
#include <cstddef>
#include <string>
#include <vector>

namespace rfx {

// Column names that never count as features however numeric they are (identifiers, time,
// positions, grouping). The single place this list lives. isIdentifierColumnName also takes a row
// index column (empty name, pandas' "Unnamed: N", "index") as an identifier.
const std::vector<std::string>& identifierColumnNames();
bool isIdentifierColumnName(const std::string& name);

class FeatureTable {
public:
    // `source` names the table in error messages (normally the file path); `lines` gives the CSV
    // line each row starts on, for messages (default: one line per row after the header).
    FeatureTable(std::vector<std::string> columns, std::vector<std::vector<std::string>> rows, std::string source,
                 std::vector<std::size_t> lines = {});

    // Parses CSV text; InputError for an empty table, ragged rows, duplicate column names, an
    // unterminated quote, or a missing (empty, NaN, NA) or infinite value in a feature column.
    static FeatureTable parse(const std::string& text, const std::string& source);
    static FeatureTable read(const std::string& path);

    const std::string& source() const { return source_; }
    std::size_t rowCount() const { return rows_.size(); }
    std::size_t columnCount() const { return columns_.size(); }
    const std::vector<std::string>& columns() const { return columns_; }
    // -1 when there is no such column.
    int columnIndex(const std::string& name) const;
    const std::string& cell(std::size_t row, std::size_t col) const { return rows_[row][col]; }
    std::vector<std::string> textColumn(std::size_t col) const;

    bool isFeature(std::size_t col) const { return feature_[col]; }
    std::vector<std::size_t> featureColumns() const;
    // Everything that is not a feature, in table order.
    std::vector<std::size_t> nonFeatureColumns() const;
    // Not in the identifier list yet not numeric: such columns are ignored as features and callers warn.
    std::vector<std::size_t> nonNumericColumns() const;
    // Values of a feature column; std::logic_error for a non-feature column.
    const std::vector<double>& values(std::size_t col) const;

    // InputError "SOURCE: <purpose> needs at least N rows, the table has M".
    void requireRows(std::size_t n, const std::string& purpose) const;

    std::string toCsv() const;
    void save(const std::string& path) const;

private:
    std::vector<std::string> columns_;
    std::vector<std::vector<std::string>> rows_;
    std::vector<std::size_t> lines_;  // first CSV line of each row, for messages
    std::string source_;
    std::vector<bool> feature_;
    std::vector<std::vector<double>> values_;  // filled for feature columns only

    void classify();
};

} // namespace rfx
