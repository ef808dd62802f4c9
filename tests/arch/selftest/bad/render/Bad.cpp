#include "ui/MainWindow.h"
#include <QWidget>
