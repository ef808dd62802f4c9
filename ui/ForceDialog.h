#pragma once
// Asks what a force reconstruction needs: the method (classical or learned), the relaxed and
// stressed bead volumes, an optional cell mask, the gel's Young's modulus and Poisson ratio, the
// correlation window and where to write the results. OK stays disabled, with the reason shown,
// until the request can run.
#include <QDialog>

#include "ui/ForceTask.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QDoubleSpinBox;
class QSpinBox;
class QPushButton;
class QFormLayout;

namespace rfx::ui {

class ForceDialog : public QDialog {
    Q_OBJECT
public:
    explicit ForceDialog(QWidget* parent = nullptr);
    ForceRequest request() const;
    void setRequest(const ForceRequest& request);

private:
    QLineEdit* pathRow(QFormLayout* form, const QString& label, const QString& tip, bool save);
    void validate();

    QComboBox* method_;
    QLineEdit *relaxed_, *stressed_, *mask_, *output_;
    QDoubleSpinBox *young_, *poisson_;
    QSpinBox* window_;
    QLabel* problem_;
    QPushButton* ok_;
};

} // namespace rfx::ui
