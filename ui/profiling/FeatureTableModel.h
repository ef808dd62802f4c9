#pragma once
// Table model over an immutable core FeatureTable (one row per cell and frame). Headers show the
// column's unit from the feature catalog ("cell_volume\n[µm³]"); feature cells sort by value
// (Qt::UserRole holds the double), identifier cells by their text or number.
#include <QAbstractTableModel>
#include <map>
#include <memory>
#include <string>

#include "core/analysis/FeatureTable.h"

namespace rfx::ui {

class FeatureTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit FeatureTableModel(QObject* parent = nullptr);

    void setTable(std::shared_ptr<const FeatureTable> table, std::map<std::string, std::string> units);
    const std::shared_ptr<const FeatureTable>& table() const { return table_; }
    QString unitOf(int column) const;
    QString unitOf(const std::string& column) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // A new core table with the given rows (in that order): what export and per-subset statistics use.
    FeatureTable subset(const std::vector<int>& rows) const;

private:
    std::shared_ptr<const FeatureTable> table_;
    std::map<std::string, std::string> units_;
};

} // namespace rfx::ui
