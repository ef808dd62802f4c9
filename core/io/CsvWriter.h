#pragma once
// CSV output (RFC 4180 quoting), written atomically. Numbers use the shortest round-trip form.
#include <string>
#include <vector>

namespace rfx {

class CsvWriter {
public:
    explicit CsvWriter(std::vector<std::string> header);
    void addRow(const std::vector<std::string>& cells);
    // Formats doubles with 10 significant digits (NaN written as empty cell).
    static std::string number(double v);
    // Whole text, header first.
    std::string text() const;
    // Writes through AtomicFile; throws InputError for a bad destination.
    void save(const std::string& path) const;

private:
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

std::string csvEscape(const std::string& cell);
// Writes any text atomically (JSON sidecars, reports).
void writeTextFileAtomic(const std::string& path, const std::string& text);

} // namespace rfx
