#include <vector>
#include "core/model/Volume.h"
