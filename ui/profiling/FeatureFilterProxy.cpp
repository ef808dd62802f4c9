#include "ui/profiling/FeatureFilterProxy.h"

#include <QRegularExpression>

#include "ui/profiling/FeatureTableModel.h"

namespace rfx::ui {

FeatureFilterProxy::FeatureFilterProxy(FeatureTableModel* source, QObject* parent)
    : QSortFilterProxyModel(parent), table_(source)
{
    setSourceModel(source);
    setSortRole(Qt::UserRole);
    setDynamicSortFilter(true);
}

bool FeatureFilterProxy::setRowFilter(const QString& text, QString* error)
{
    static const QRegularExpression cond(R"(^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|!=|==|=|<|>)\s*(.+?)\s*$)");
    std::vector<Condition> conditions;
    QString freeText;
    const auto table = table_->table();
    const QStringList parts = text.split(QRegularExpression(R"(\s+and\s+|,)", QRegularExpression::CaseInsensitiveOption),
                                         Qt::SkipEmptyParts);
    for (const QString& part : parts) {
        const auto m = cond.match(part);
        if (!m.hasMatch()) {
            if (parts.size() > 1) {
                if (error)
                    *error = tr("'%1' is not a condition such as cell_volume > 800").arg(part.trimmed());
                return false;
            }
            freeText = part.trimmed();
            continue;
        }
        Condition c;
        c.column = table ? table->columnIndex(m.captured(1).toStdString()) : -1;
        if (c.column < 0) {
            if (error)
                *error = tr("no column named '%1'").arg(m.captured(1));
            return false;
        }
        c.op = m.captured(2) == "==" ? "=" : m.captured(2);
        c.text = m.captured(3);
        c.number = c.text.toDouble(&c.numeric);
        if (!c.numeric && c.op != "=" && c.op != "!=") {
            if (error)
                *error = tr("'%1' is not a number").arg(c.text);
            return false;
        }
        conditions.push_back(c);
    }
    rowFilterText_ = text;
    freeText_ = freeText;
    conditions_ = std::move(conditions);
    invalidateRowsFilter();
    return true;
}

void FeatureFilterProxy::setColumnFilter(const QString& text)
{
    columnFilter_ = text.trimmed();
    invalidateColumnsFilter();
}

std::vector<int> FeatureFilterProxy::acceptedRows() const
{
    std::vector<int> rows;
    for (int r = 0; r < table_->rowCount(); ++r)
        if (filterAcceptsRow(r, {}))
            rows.push_back(r);
    return rows;
}

bool FeatureFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex&) const
{
    const auto& t = table_->table();
    if (!t)
        return false;
    const auto r = std::size_t(sourceRow);
    for (const Condition& c : conditions_) {
        const auto col = std::size_t(c.column);
        const QString cell = QString::fromStdString(t->cell(r, col));
        if (!c.numeric) {
            const bool eq = cell.compare(c.text, Qt::CaseInsensitive) == 0;
            if (eq != (c.op == "="))
                return false;
            continue;
        }
        bool ok = true;
        const double v = t->isFeature(col) ? t->values(col)[r] : cell.toDouble(&ok);
        if (!ok)
            return false;
        const bool pass = c.op == "<" ? v < c.number : c.op == "<=" ? v <= c.number : c.op == ">" ? v > c.number
                        : c.op == ">=" ? v >= c.number : c.op == "=" ? v == c.number : v != c.number;
        if (!pass)
            return false;
    }
    if (freeText_.isEmpty())
        return true;
    for (std::size_t c : t->nonFeatureColumns())
        if (QString::fromStdString(t->cell(r, c)).contains(freeText_, Qt::CaseInsensitive))
            return true;
    return false;
}

bool FeatureFilterProxy::filterAcceptsColumn(int sourceColumn, const QModelIndex&) const
{
    const auto& t = table_->table();
    if (!t || columnFilter_.isEmpty() || !t->isFeature(std::size_t(sourceColumn)))
        return true;
    return QString::fromStdString(t->columns()[std::size_t(sourceColumn)]).contains(columnFilter_, Qt::CaseInsensitive);
}

} // namespace rfx::ui
