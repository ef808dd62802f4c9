#include "core/segmentation/LabelFilters.h"

// ITK headers stay in this file: they are slow to compile.
#include <itkBinaryFillholeImageFilter.h>
#include <itkConnectedComponentImageFilter.h>
#include <itkHMaximaImageFilter.h>
#include <itkImage.h>
#include <itkMorphologicalWatershedFromMarkersImageFilter.h>
#include <itkRegionalMaximaImageFilter.h>
#include <itkSignedMaurerDistanceMapImageFilter.h>
#include <itkSmoothingRecursiveGaussianImageFilter.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace rfx::seg {

namespace {

template <class T> using Image3 = itk::Image<T, 3>;

template <class T>
typename Image3<T>::Pointer toItk(const T* data, const Shape& shape, const Spacing& spacing = {1, 1, 1})
{
    auto img = Image3<T>::New();
    typename Image3<T>::SizeType size;
    size[0] = shape[2];
    size[1] = shape[1];
    size[2] = shape[0];
    typename Image3<T>::RegionType region;
    region.SetSize(size);
    img->SetRegions(region);
    typename Image3<T>::SpacingType sp;
    sp[0] = spacing[2];
    sp[1] = spacing[1];
    sp[2] = spacing[0];
    img->SetSpacing(sp);
    img->Allocate();
    std::memcpy(img->GetBufferPointer(), data, sizeof(T) * shape[0] * shape[1] * shape[2]);
    return img;
}

template <class T, class Img> std::vector<T> fromItk(Img* img, std::size_t n)
{
    const auto* p = img->GetBufferPointer();
    return std::vector<T>(p, p + n);
}

std::size_t count(const Shape& s) { return s[0] * s[1] * s[2]; }

void checkSize(std::size_t got, const Shape& shape, const char* what)
{
    if (got != count(shape))
        throw std::invalid_argument(std::string("LabelFilters: ") + what + " does not match the shape");
}

} // namespace

int connectedComponents(const Mask& mask, const Shape& shape, std::size_t minVoxels, Labels& out,
                        bool fullyConnected)
{
    checkSize(mask.size(), shape, "mask");
    const std::size_t n = count(shape);
    out.assign(n, 0);
    if (n == 0)
        return 0;
    auto filter = itk::ConnectedComponentImageFilter<Image3<std::uint8_t>, Image3<std::int32_t>>::New();
    filter->SetInput(toItk(mask.data(), shape));
    filter->SetFullyConnected(fullyConnected);
    filter->Update();
    const std::int32_t* raw = filter->GetOutput()->GetBufferPointer();
    // ITK numbers in raster order already; recount sizes, drop small ones and renumber densely.
    std::int32_t maxLabel = 0;
    for (std::size_t i = 0; i < n; ++i)
        maxLabel = std::max(maxLabel, raw[i]);
    std::vector<std::size_t> sizes(static_cast<std::size_t>(maxLabel) + 1, 0);
    for (std::size_t i = 0; i < n; ++i)
        ++sizes[static_cast<std::size_t>(raw[i])];
    std::vector<std::int32_t> remap(sizes.size(), 0);
    int next = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto l = static_cast<std::size_t>(raw[i]);
        if (l == 0 || sizes[l] < minVoxels)
            continue;
        if (remap[l] == 0)
            remap[l] = ++next;
        out[i] = remap[l];
    }
    return next;
}

void fillHoles(Mask& mask, const Shape& shape)
{
    checkSize(mask.size(), shape, "mask");
    if (mask.empty())
        return;
    auto filter = itk::BinaryFillholeImageFilter<Image3<std::uint8_t>>::New();
    filter->SetInput(toItk(mask.data(), shape));
    filter->SetForegroundValue(1);
    filter->SetFullyConnected(false);
    filter->Update();
    mask = fromItk<std::uint8_t>(filter->GetOutput(), mask.size());
}

std::vector<float> insideDistance(const Mask& mask, const Shape& shape, const Spacing& spacing)
{
    checkSize(mask.size(), shape, "mask");
    if (mask.empty())
        return {};
    auto filter = itk::SignedMaurerDistanceMapImageFilter<Image3<std::uint8_t>, Image3<float>>::New();
    filter->SetInput(toItk(mask.data(), shape, spacing));
    filter->SetUseImageSpacing(true);
    filter->SetSquaredDistance(false);
    filter->SetInsideIsPositive(true);
    filter->SetBackgroundValue(0);
    filter->Update();
    std::vector<float> d = fromItk<float>(filter->GetOutput(), mask.size());
    for (std::size_t i = 0; i < d.size(); ++i)
        d[i] = mask[i] ? std::max(d[i], 0.f) : 0.f;
    return d;
}

void smoothGaussianRecursive(std::vector<float>& values, const Shape& shape, const Spacing& spacing, double sigma_um)
{
    checkSize(values.size(), shape, "values");
    if (values.empty() || !(sigma_um > 0))
        return;
    auto filter = itk::SmoothingRecursiveGaussianImageFilter<Image3<float>, Image3<float>>::New();
    filter->SetInput(toItk(values.data(), shape, spacing));
    filter->SetSigma(sigma_um);  // physical units: the image carries the voxel spacing
    filter->Update();
    std::memcpy(values.data(), filter->GetOutput()->GetBufferPointer(), sizeof(float) * values.size());
}

int hMaximaMarkers(const std::vector<float>& height, const Mask& mask, const Shape& shape, double h, Labels& out)
{
    checkSize(height.size(), shape, "height");
    checkSize(mask.size(), shape, "mask");
    auto filter = itk::HMaximaImageFilter<Image3<float>, Image3<float>>::New();
    filter->SetInput(toItk(height.data(), shape));
    filter->SetHeight(static_cast<float>(h));
    filter->SetFullyConnected(true);
    filter->Update();
    // The h-maxima transform cuts every peak down by h; peaks separated by a saddle less than h
    // deep merge into one flat top. The regional maxima of the result are those tops.
    auto tops = itk::RegionalMaximaImageFilter<Image3<float>, Image3<std::uint8_t>>::New();
    tops->SetInput(filter->GetOutput());
    tops->SetFullyConnected(true);
    tops->SetFlatIsMaxima(true);
    tops->SetForegroundValue(1);
    tops->SetBackgroundValue(0);
    tops->Update();
    const std::uint8_t* t = tops->GetOutput()->GetBufferPointer();
    const std::size_t n = height.size();
    Mask peaks(n, 0);
    for (std::size_t i = 0; i < n; ++i)
        peaks[i] = (mask[i] && t[i]) ? 1 : 0;
    return connectedComponents(peaks, shape, 1, out, true);
}

namespace {

template <class T> Labels watershed(const std::vector<T>& elevation, const Labels& markers, const Shape& shape)
{
    checkSize(elevation.size(), shape, "elevation");
    checkSize(markers.size(), shape, "markers");
    if (elevation.empty())
        return {};
    using Filter = itk::MorphologicalWatershedFromMarkersImageFilter<Image3<T>, Image3<std::int32_t>>;
    auto filter = Filter::New();
    filter->SetInput(toItk(elevation.data(), shape));
    filter->SetMarkerImage(toItk(markers.data(), shape));
    filter->SetMarkWatershedLine(false);
    filter->SetFullyConnected(false);
    filter->Update();
    return fromItk<std::int32_t>(filter->GetOutput(), markers.size());
}

} // namespace

Labels watershedFromMarkers(const std::vector<float>& elevation, const Labels& markers, const Shape& shape)
{
    return watershed(elevation, markers, shape);
}

Labels watershedFromMarkers(const std::vector<std::uint8_t>& elevation, const Labels& markers, const Shape& shape)
{
    return watershed(elevation, markers, shape);
}

} // namespace rfx::seg
