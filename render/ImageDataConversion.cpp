#include "render/ImageDataConversion.h"

#include <vtkFloatArray.h>
#include <vtkImageData.h>
#include <vtkPointData.h>

#include "core/model/Volume.h"

namespace rfx::render {

vtkSmartPointer<vtkImageData> toImageData(const Volume& volume)
{
    const Grid& g = volume.grid();
    auto image = vtkSmartPointer<vtkImageData>::New();
    image->SetDimensions(static_cast<int>(g.shape[2]), static_cast<int>(g.shape[1]), static_cast<int>(g.shape[0]));
    image->SetSpacing(g.spacing_um[2], g.spacing_um[1], g.spacing_um[0]);
    image->SetOrigin(g.origin_um[2], g.origin_um[1], g.origin_um[0]);
    auto array = vtkSmartPointer<vtkFloatArray>::New();
    array->SetNumberOfComponents(volume.components());
    array->SetNumberOfTuples(static_cast<vtkIdType>(volume.voxels()));
    array->SetName("values");
    float* dst = array->GetPointer(0);
    if (volume.type() == VoxelType::Float32) {
        std::copy(volume.data<float>(), volume.data<float>() + volume.values(), dst);
    } else {
        for (std::size_t i = 0; i < volume.values(); ++i)
            dst[i] = static_cast<float>(volume.valueAt(i));
    }
    image->GetPointData()->SetScalars(array);
    return image;
}

} // namespace rfx::render
