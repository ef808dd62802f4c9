#pragma once
// Opens any readable file or folder as a Dataset, choosing the reader by content (HDF5
// signature, TIFF magic) and then by extension. One place to add a format.
#include <string>

#include "core/model/Dataset.h"

namespace rfx {

// Throws InputError ("PATH: problem") for missing, unreadable or unsupported input.
DatasetPtr openDataset(const std::string& path);

} // namespace rfx
