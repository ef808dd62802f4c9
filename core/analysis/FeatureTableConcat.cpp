#include "core/analysis/FeatureTableConcat.h"

#include "core/util/Errors.h"

namespace rfx {

FeatureTable concatenateFeatureTables(const std::vector<const FeatureTable*>& tables, const std::string& source)
{
    if (tables.empty())
        throw InputError(source + ": no tables to combine");
    const std::vector<std::string>& columns = tables.front()->columns();
    std::vector<std::vector<std::string>> rows;
    for (const FeatureTable* t : tables) {
        if (t->columns() != columns)
            throw inputError(t->source(), "its columns differ from those of " + tables.front()->source() +
                                              " (tables from different versions or commands cannot be combined)");
        for (std::size_t r = 0; r < t->rowCount(); ++r) {
            std::vector<std::string> row;
            row.reserve(columns.size());
            for (std::size_t c = 0; c < columns.size(); ++c)
                row.push_back(t->cell(r, c));
            rows.push_back(std::move(row));
        }
    }
    return FeatureTable(columns, std::move(rows), source);
}

} // namespace rfx
