#pragma once
// Sorting and filtering of the feature table. The row filter is either free text (matched against
// the identifier columns: condition, source file, ids) or conditions on columns joined by "and"
// or ",", e.g. "cell_volume > 800 and condition = treated"; operators < <= > >= = !=. The column
// filter keeps the identifier columns and the features whose name contains it.
#include <QSortFilterProxyModel>
#include <vector>

namespace rfx::ui {

class FeatureTableModel;

class FeatureFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit FeatureFilterProxy(FeatureTableModel* source, QObject* parent = nullptr);

    // False (filter unchanged) when a condition names an unknown column or a non-number where a
    // number is needed; *error says which.
    bool setRowFilter(const QString& text, QString* error = nullptr);
    QString rowFilter() const { return rowFilterText_; }
    void setColumnFilter(const QString& text);
    QString columnFilter() const { return columnFilter_; }
    // Source rows that pass the filter, in source order.
    std::vector<int> acceptedRows() const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool filterAcceptsColumn(int sourceColumn, const QModelIndex& sourceParent) const override;

private:
    struct Condition {
        int column = -1;
        QString op;
        double number = 0;
        bool numeric = false;
        QString text;
    };
    FeatureTableModel* table_;
    QString rowFilterText_;
    QString freeText_;
    std::vector<Condition> conditions_;
    QString columnFilter_;
};

} // namespace rfx::ui
