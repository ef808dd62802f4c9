#include "ui/ForceDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QDir>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace rfx::ui {

namespace {
const char* kVolumes = "Bead volumes (*.tif *.tiff *.h5 *.hdf5 *.TCF *.tcf *.nrrd *.mha *.nii *.nii.gz);;All files (*)";
}

ForceDialog::ForceDialog(QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Reconstruct 3D cellular forces"));
    auto* form = new QFormLayout;
    method_ = new QComboBox;
    method_->addItem(tr("Classical: digital volume correlation"), static_cast<int>(ForceMethod::Classical));
    method_->addItem(tr("Learned: force network (force-synthetic)"), static_cast<int>(ForceMethod::Learned));
    method_->setToolTip(tr("Classical is the reference, about twice as accurate for forces; the learned network "
                           "is as fast on one CPU core and faster on a GPU. Both compute stress and forces "
                           "with the same elasticity (docs/tfm.md)."));
    form->addRow(tr("Method"), method_);
    relaxed_ = pathRow(form, tr("Relaxed beads"), tr("Bead volume without the cell's forces (after relaxation)"), false);
    stressed_ = pathRow(form, tr("Stressed beads"), tr("Bead volume with the cell pulling on the gel"), false);
    mask_ = pathRow(form, tr("Cell mask (optional)"),
                    tr("Label/binary volume or a cell image of the same size: tractions on its surface"), false);
    young_ = new QDoubleSpinBox;
    young_->setRange(0, 1e9);
    young_->setDecimals(1);
    young_->setSuffix(" Pa");
    young_->setValue(1000);
    young_->setToolTip(tr("Young's modulus E of the gel"));
    form->addRow(tr("Young's modulus"), young_);
    poisson_ = new QDoubleSpinBox;
    poisson_->setRange(-0.99, 0.499);
    poisson_->setDecimals(3);
    poisson_->setSingleStep(0.01);
    poisson_->setValue(0.45);
    poisson_->setToolTip(tr("Poisson ratio ν of the gel, in (-1, 0.5)"));
    form->addRow(tr("Poisson ratio"), poisson_);
    window_ = new QSpinBox;
    window_->setRange(8, 512);
    window_->setSingleStep(8);
    window_->setValue(32);
    window_->setSuffix(tr(" voxels"));
    window_->setToolTip(tr("Final correlation window along the finest axis; nodes are half a window apart"));
    form->addRow(tr("Correlation window"), window_);
    output_ = pathRow(form, tr("Results file"), tr("Results HDF5, opened here when done"), true);
    problem_ = new QLabel;
    problem_->setStyleSheet("color: #b04020");
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    ok_ = buttons->button(QDialogButtonBox::Ok);
    ok_->setText(tr("Reconstruct"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(problem_);
    layout->addWidget(buttons);
    for (QLineEdit* e : {relaxed_, stressed_, mask_, output_})
        connect(e, &QLineEdit::textChanged, this, &ForceDialog::validate);
    connect(young_, &QDoubleSpinBox::valueChanged, this, &ForceDialog::validate);
    connect(poisson_, &QDoubleSpinBox::valueChanged, this, &ForceDialog::validate);
    // The results go beside the stressed volume unless the user chose a place.
    connect(stressed_, &QLineEdit::editingFinished, this, [this] {
        if (output_->text().isEmpty() && !stressed_->text().isEmpty()) {
            const QFileInfo f(stressed_->text());
            output_->setText(f.dir().filePath(f.completeBaseName() + "_forces.h5"));
        }
    });
    validate();
}

QLineEdit* ForceDialog::pathRow(QFormLayout* form, const QString& label, const QString& tip, bool save)
{
    auto* edit = new QLineEdit;
    edit->setToolTip(tip);
    auto* browse = new QPushButton(tr("Browse..."));
    connect(browse, &QPushButton::clicked, this, [this, edit, label, save] {
        const QString p = save ? QFileDialog::getSaveFileName(this, label, edit->text(), tr("Results HDF5 (*.h5)"))
                               : QFileDialog::getOpenFileName(this, label, edit->text(), tr(kVolumes));
        if (!p.isEmpty()) {
            edit->setText(p);
            Q_EMIT edit->editingFinished();
        }
    });
    auto* row = new QHBoxLayout;
    row->addWidget(edit, 1);
    row->addWidget(browse);
    form->addRow(label, row);
    return edit;
}

ForceRequest ForceDialog::request() const
{
    ForceRequest r;
    r.method = static_cast<ForceMethod>(method_->currentData().toInt());
    r.relaxedPath = relaxed_->text().trimmed();
    r.stressedPath = stressed_->text().trimmed();
    r.maskPath = mask_->text().trimmed();
    r.young_Pa = young_->value();
    r.poisson = poisson_->value();
    r.window = window_->value();
    r.outputPath = output_->text().trimmed();
    return r;
}

void ForceDialog::setRequest(const ForceRequest& r)
{
    method_->setCurrentIndex(method_->findData(static_cast<int>(r.method)));
    relaxed_->setText(r.relaxedPath);
    stressed_->setText(r.stressedPath);
    mask_->setText(r.maskPath);
    young_->setValue(r.young_Pa);
    poisson_->setValue(r.poisson);
    window_->setValue(r.window);
    output_->setText(r.outputPath);
}

void ForceDialog::validate()
{
    const QString problem = checkForceRequest(request());
    problem_->setText(problem);
    ok_->setEnabled(problem.isEmpty());
}

} // namespace rfx::ui
