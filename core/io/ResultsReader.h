#pragma once
// Reader of the project's results HDF5: every channel with its role, unit, grid, times and
// display hints; frames lazily. Tables are read on demand.
#include <string>

#include "core/io/ResultsWriter.h"
#include "core/model/Dataset.h"

namespace rfx {

// True when the file is HDF5 with root attribute format == "refractome-results".
bool isResultsFile(const std::string& path);
DatasetPtr openResults(const std::string& path);
// Names under /tables, and one table. Throws InputError when absent or malformed.
std::vector<std::string> resultsTableNames(const std::string& path);
ResultsTable readResultsTable(const std::string& path, const std::string& name);
std::string readResultsText(const std::string& path, const std::string& name);

} // namespace rfx
