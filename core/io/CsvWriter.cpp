#include "core/io/CsvWriter.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "core/io/AtomicFile.h"

namespace rfx {

CsvWriter::CsvWriter(std::vector<std::string> header) : header_(std::move(header)) {}

void CsvWriter::addRow(const std::vector<std::string>& cells)
{
    if (cells.size() != header_.size())
        throw std::logic_error("CsvWriter: row has " + std::to_string(cells.size()) + " cells, header " +
                               std::to_string(header_.size()));
    rows_.push_back(cells);
}

std::string CsvWriter::number(double v)
{
    if (std::isnan(v))
        return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

std::string csvEscape(const std::string& cell)
{
    if (cell.find_first_of(",\"\n\r") == std::string::npos)
        return cell;
    std::string out = "\"";
    for (char c : cell)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string CsvWriter::text() const
{
    std::string out;
    auto line = [&out](const std::vector<std::string>& cells) {
        for (std::size_t i = 0; i < cells.size(); ++i)
            out += (i ? "," : "") + csvEscape(cells[i]);
        out += "\n";
    };
    line(header_);
    for (const auto& r : rows_)
        line(r);
    return out;
}

void CsvWriter::save(const std::string& path) const { writeTextFileAtomic(path, text()); }

void writeTextFileAtomic(const std::string& path, const std::string& text)
{
    AtomicFile af(path);
    {
        std::ofstream out(af.tempPath(), std::ios::binary);
        out << text;
        out.flush();
        if (!out)
            throw std::runtime_error(path + ": cannot write (disk full?)");
    }
    af.commit();
}

} // namespace rfx
