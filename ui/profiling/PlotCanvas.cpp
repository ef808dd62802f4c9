#include "ui/profiling/PlotCanvas.h"

#include <QFileInfo>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <algorithm>

namespace rfx::ui {

PlotCanvas::PlotCanvas(QWidget* parent) : QWidget(parent) { setMinimumSize(320, 240); }

void PlotCanvas::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), Qt::white);
    paintPlot(p, QRectF(rect()));
}

void PlotCanvas::setSelection(const std::vector<int>& rows)
{
    selection_ = rows;
    std::sort(selection_.begin(), selection_.end());
    update();
}

bool PlotCanvas::isSelected(int row) const { return std::binary_search(selection_.begin(), selection_.end(), row); }

void PlotCanvas::setLabels(const QString& feature, const QString& unit, const QString& note)
{
    feature_ = feature;
    unit_ = unit;
    note_ = note;
    update();
}

bool PlotCanvas::exportTo(const QString& path, QString* error, QSize size) const
{
    if (!size.isValid())
        size = QSize(std::max(640, width()), std::max(440, height()));
    const QString ext = QFileInfo(path).suffix().toLower();
    auto fail = [&](const QString& why) {
        if (error)
            *error = path + ": " + why;
        return false;
    };
    if (ext != "png" && ext != "svg" && ext != "pdf")
        return fail(tr("unknown plot format (use .png, .svg or .pdf)"));
    // QSaveFile writes a temporary and renames it on commit: no half-written figure is left.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(file.errorString());
    const QRectF area(0, 0, size.width(), size.height());
    if (ext == "png") {
        QImage img(size * 2, QImage::Format_ARGB32);
        img.setDevicePixelRatio(2);
        img.fill(Qt::white);
        {
            QPainter p(&img);
            p.setRenderHint(QPainter::Antialiasing);
            p.setFont(font());
            paintPlot(p, area);
        }
        if (!img.save(&file, "PNG"))
            return fail(tr("cannot encode PNG"));
    } else if (ext == "svg") {
        QSvgGenerator svg;
        svg.setOutputDevice(&file);
        svg.setSize(size);
        svg.setViewBox(area);
        svg.setTitle(windowTitle());
        svg.setDescription(tr("Refractome profiling plot"));
        QPainter p(&svg);
        p.setRenderHint(QPainter::Antialiasing);
        p.setFont(font());
        paintPlot(p, area);
    } else {
        QPdfWriter pdf(&file);
        pdf.setResolution(72);  // one PDF point per widget pixel: fonts keep their size
        pdf.setPageSize(QPageSize(QSizeF(size), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setCreator("Refractome");
        QPainter p(&pdf);
        p.setRenderHint(QPainter::Antialiasing);
        p.setFont(font());
        paintPlot(p, area);
    }
    if (!file.commit())
        return fail(file.errorString());
    return true;
}

} // namespace rfx::ui
