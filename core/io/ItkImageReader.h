#pragma once
// NRRD, MetaImage (.mha/.mhd) and NIfTI (.nii/.nii.gz) through ITK, as one-channel datasets.
#include <string>

#include "core/model/Dataset.h"

namespace rfx {

bool isItkImagePath(const std::string& path);
DatasetPtr openItkImage(const std::string& path);

} // namespace rfx
