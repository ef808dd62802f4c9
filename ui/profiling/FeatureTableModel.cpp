#include "ui/profiling/FeatureTableModel.h"

#include <QFileInfo>

namespace rfx::ui {

FeatureTableModel::FeatureTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void FeatureTableModel::setTable(std::shared_ptr<const FeatureTable> table, std::map<std::string, std::string> units)
{
    beginResetModel();
    table_ = std::move(table);
    units_ = std::move(units);
    endResetModel();
}

QString FeatureTableModel::unitOf(const std::string& column) const
{
    auto it = units_.find(column);
    return it == units_.end() ? QString() : QString::fromStdString(it->second);
}

QString FeatureTableModel::unitOf(int column) const
{
    if (!table_ || column < 0 || std::size_t(column) >= table_->columnCount())
        return {};
    return unitOf(table_->columns()[std::size_t(column)]);
}

int FeatureTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !table_ ? 0 : int(table_->rowCount());
}

int FeatureTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() || !table_ ? 0 : int(table_->columnCount());
}

QVariant FeatureTableModel::data(const QModelIndex& index, int role) const
{
    if (!table_ || !index.isValid())
        return {};
    const auto r = std::size_t(index.row()), c = std::size_t(index.column());
    const bool feature = table_->isFeature(c);
    switch (role) {
    case Qt::DisplayRole:
        if (feature)
            return QString::number(table_->values(c)[r], 'g', 5);
        if (table_->columns()[c] == "source_file")  // the name is what tells files apart; the path is in the tooltip
            return QFileInfo(QString::fromStdString(table_->cell(r, c))).fileName();
        {
            // Positions and times as readable as the features; integers and text as stored.
            const QString text = QString::fromStdString(table_->cell(r, c));
            bool ok = false;
            const double v = text.toDouble(&ok);
            return ok && text.contains('.') ? QString::number(v, 'g', 6) : text;
        }
    case Qt::UserRole: {
        // Sort key: the value for features, numbers for numeric identifiers (frame, ids), else text.
        if (feature)
            return table_->values(c)[r];
        bool ok = false;
        const QString text = QString::fromStdString(table_->cell(r, c));
        const double v = text.toDouble(&ok);
        return ok ? QVariant(v) : QVariant(text);
    }
    case Qt::TextAlignmentRole:
        return feature ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        return QString::fromStdString(table_->cell(r, c));
    default:
        return {};
    }
}

QVariant FeatureTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (!table_ || section < 0)
        return {};
    if (orientation == Qt::Vertical)
        return role == Qt::DisplayRole ? QVariant(section + 1) : QVariant();
    if (std::size_t(section) >= table_->columnCount())
        return {};
    const QString name = QString::fromStdString(table_->columns()[std::size_t(section)]);
    const QString unit = unitOf(section);
    if (role == Qt::DisplayRole)
        return unit.isEmpty() ? name : QString("%1\n[%2]").arg(name, unit);
    if (role == Qt::ToolTipRole)
        return unit.isEmpty() ? name : QString("%1 in %2").arg(name, unit);
    if (role == Qt::UserRole)
        return name;
    return {};
}

FeatureTable FeatureTableModel::subset(const std::vector<int>& rows) const
{
    std::vector<std::vector<std::string>> cells;
    cells.reserve(rows.size());
    for (int r : rows) {
        std::vector<std::string> row;
        for (std::size_t c = 0; c < table_->columnCount(); ++c)
            row.push_back(table_->cell(std::size_t(r), c));
        cells.push_back(std::move(row));
    }
    return FeatureTable(table_->columns(), std::move(cells), table_->source());
}

} // namespace rfx::ui
