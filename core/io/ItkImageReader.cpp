#include "core/io/ItkImageReader.h"

// ITK headers stay in this file: they are slow to compile.
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageIOBase.h>
#include <itkImageIOFactory.h>
#include <itkMetaDataObject.h>
#include <itkMetaImageIOFactory.h>
#include <itkNiftiImageIOFactory.h>
#include <itkNrrdImageIOFactory.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "core/util/Errors.h"

namespace rfx {

namespace {

std::string lowerCase(std::string s)
{
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

enum class ItkFormat { Nrrd, MetaImage, Nifti };

ItkFormat formatOf(const std::string& path)
{
    const std::string p = lowerCase(path);
    if (endsWith(p, ".nrrd") || endsWith(p, ".nhdr"))
        return ItkFormat::Nrrd;
    if (endsWith(p, ".mha") || endsWith(p, ".mhd"))
        return ItkFormat::MetaImage;
    return ItkFormat::Nifti;
}

const char* formatName(ItkFormat f)
{
    switch (f) {
    case ItkFormat::Nrrd: return "nrrd";
    case ItkFormat::MetaImage: return "metaimage";
    case ItkFormat::Nifti: return "nifti";
    }
    return "itk";
}

// Our build does not use ITK's automatic IO registration (ITK_IO_FACTORY_REGISTER_MANAGER),
// so the three formats we read are registered here, once.
void registerFactories()
{
    static std::once_flag once;
    std::call_once(once, [] {
        // ITK's warnings go to stderr; problems reach the user as exceptions instead.
        itk::Object::GlobalWarningDisplayOff();
        itk::NrrdImageIOFactory::RegisterOneFactory();
        itk::MetaImageIOFactory::RegisterOneFactory();
        itk::NiftiImageIOFactory::RegisterOneFactory();
    });
}

// ITK messages span several lines (file, line, location); keep the description, on one line.
std::string oneLine(const itk::ExceptionObject& e)
{
    std::string d = e.GetDescription() ? e.GetDescription() : "";
    if (d.empty())
        d = e.what();
    std::string out;
    bool space = false;
    for (char c : d) {
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = !out.empty();
            continue;
        }
        if (space)
            out += ' ';
        space = false;
        out += c;
    }
    return out.empty() ? "ITK could not read the image" : out;
}

itk::ImageIOBase::Pointer createIO(const std::string& path)
{
    registerFactories();
    itk::ImageIOBase::Pointer io;
    try {
        io = itk::ImageIOFactory::CreateImageIO(path.c_str(), itk::IOFileModeEnum::ReadMode);
    } catch (const itk::ExceptionObject& e) {
        throw inputError(path, oneLine(e));
    }
    if (!io)
        throw inputError(path, "not a readable NRRD, MetaImage or NIfTI image");
    return io;
}

VoxelType voxelTypeFor(itk::IOComponentEnum c, const std::string& path)
{
    switch (c) {
    case itk::IOComponentEnum::UCHAR: return VoxelType::UInt8;
    case itk::IOComponentEnum::USHORT: return VoxelType::UInt16;
    case itk::IOComponentEnum::UNKNOWNCOMPONENTTYPE:
        throw inputError(path, "unknown voxel component type");
    default: return VoxelType::Float32;  // signed, 32/64-bit integers and doubles: float32
    }
}

bool isFloatComponent(itk::IOComponentEnum c)
{
    return c == itk::IOComponentEnum::FLOAT || c == itk::IOComponentEnum::DOUBLE ||
           c == itk::IOComponentEnum::LDOUBLE;
}

// NIfTI declares its length unit; ITK converts spacing and origin to millimetres when it does.
// Without a declared unit the numbers are taken as they are.
double niftiScaleToMicron(const itk::ImageIOBase& io)
{
    const auto& dict = io.GetMetaDataDictionary();
    std::string units;
    if (!itk::ExposeMetaData<std::string>(dict, "xyzt_units", units))
        return 1.0;
    int code = 0;
    try {
        code = std::stoi(units);
    } catch (...) {
        return 1.0;
    }
    const int spatial = code & 0x07;  // NIFTI_UNITS_METER 1, MM 2, MICRON 3
    return spatial >= 1 && spatial <= 3 ? 1000.0 : 1.0;
}

// MetaIO reports short data files on stderr and then returns partly filled buffers; check the
// size of uncompressed data up front instead. Returns an empty string when fine or unknowable.
std::string metaImageDataProblem(const std::string& path, std::uint64_t expectedBytes)
{
    std::ifstream in(path, std::ios::binary);
    std::string header(65536, '\0');
    in.read(&header[0], static_cast<std::streamsize>(header.size()));
    header.resize(static_cast<std::size_t>(in.gcount()));
    std::size_t pos = 0;
    bool compressed = false;
    while (pos < header.size()) {
        std::size_t eol = header.find('\n', pos);
        if (eol == std::string::npos)
            return "";  // header longer than we look at: leave it to MetaIO
        const std::string line = header.substr(pos, eol - pos);
        pos = eol + 1;
        const std::size_t eq = line.find('=');
        if (eq == std::string::npos)
            continue;
        auto trim = [](std::string t) {
            while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back())))
                t.pop_back();
            std::size_t a = 0;
            while (a < t.size() && std::isspace(static_cast<unsigned char>(t[a])))
                ++a;
            return t.substr(a);
        };
        const std::string key = trim(line.substr(0, eq));
        const std::string value = trim(line.substr(eq + 1));
        if (key == "CompressedData" && lowerCase(value) == "true")
            compressed = true;
        if (key == "HeaderSize")
            return "";  // raw files with skipped headers: MetaIO knows best
        if (key != "ElementDataFile")
            continue;
        if (compressed)
            return "";
        std::error_code ec;
        std::uint64_t available = 0;
        if (value == "LOCAL") {
            const auto size = std::filesystem::file_size(path, ec);
            if (ec)
                return "";
            available = size > pos ? size - pos : 0;
        } else if (value.find_first_of("% ") == std::string::npos && lowerCase(value) != "list") {
            const std::filesystem::path data = std::filesystem::path(path).parent_path() / value;
            const auto size = std::filesystem::file_size(data, ec);
            if (ec)
                return "data file '" + value + "' is missing";
            available = size;
        } else {
            return "";
        }
        if (available < expectedBytes)
            return "data is truncated (" + std::to_string(available) + " of " + std::to_string(expectedBytes) +
                   " bytes present)";
        return "";
    }
    return "";
}

// The NIfTI library also reports short files on stderr; check uncompressed .nii files up front.
std::string niftiDataProblem(const std::string& path, std::uint64_t expectedBytes)
{
    if (!endsWith(lowerCase(path), ".nii"))
        return "";  // .nii.gz: the size is only known after decompressing
    std::ifstream in(path, std::ios::binary);
    unsigned char h[176] = {};
    in.read(reinterpret_cast<char*>(h), sizeof h);
    if (in.gcount() < static_cast<std::streamsize>(sizeof h))
        return "";  // too short for a header: ITK reports that itself
    auto get = [&](std::size_t at, auto v, bool swap) {
        unsigned char b[sizeof v];
        std::memcpy(b, h + at, sizeof v);
        if (swap)
            std::reverse(b, b + sizeof v);
        std::memcpy(&v, b, sizeof v);
        return v;
    };
    double voxOffset = -1;
    for (bool swap : {false, true}) {
        const std::int32_t sz = get(0, std::int32_t(0), swap);
        if (sz == 348)
            voxOffset = get(108, float(0), swap);  // NIfTI-1
        else if (sz == 540)
            voxOffset = static_cast<double>(get(168, std::int64_t(0), swap));  // NIfTI-2
    }
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (voxOffset < 0 || ec || !std::isfinite(voxOffset))
        return "";
    const std::uint64_t start = static_cast<std::uint64_t>(std::max(voxOffset, 0.0));
    const std::uint64_t available = size > start ? size - start : 0;
    if (available < expectedBytes)
        return "data is truncated (" + std::to_string(available) + " of " + std::to_string(expectedBytes) +
               " bytes present)";
    return "";
}

template <class T> using Image3 = itk::Image<T, 3>;

// Reads the whole image (or only `zSlice` when >= 0) as T; returns the voxels in x-fastest order.
template <class T>
std::vector<T> readVoxels(const std::string& path, const std::array<std::size_t, 3>& shapeZYX, long zSlice = -1)
{
    using ImageType = Image3<T>;
    auto reader = itk::ImageFileReader<ImageType>::New();
    reader->SetFileName(path);
    reader->SetImageIO(createIO(path));
    typename ImageType::RegionType region;
    try {
        reader->UpdateOutputInformation();
        region = reader->GetOutput()->GetLargestPossibleRegion();
        const auto size = region.GetSize();
        if (size[0] != shapeZYX[2] || size[1] != shapeZYX[1] || size[2] != shapeZYX[0])
            throw inputError(path, "image size changed since the file was opened");
        if (zSlice >= 0) {
            region.SetIndex(2, region.GetIndex(2) + zSlice);
            region.SetSize(2, 1);
            reader->GetOutput()->SetRequestedRegion(region);
        }
        reader->Update();
    } catch (const itk::ExceptionObject& e) {
        throw inputError(path, oneLine(e));
    }
    const ImageType* img = reader->GetOutput();
    const auto buffered = img->GetBufferedRegion();
    const std::size_t n = region.GetNumberOfPixels();
    std::vector<T> out(n);
    if (buffered == region) {
        std::memcpy(out.data(), img->GetBufferPointer(), n * sizeof(T));
    } else {  // the IO could not stream and read more than asked: copy the requested part
        std::size_t i = 0;
        const auto start = region.GetIndex();
        const auto size = region.GetSize();
        for (itk::SizeValueType z = 0; z < size[2]; ++z)
            for (itk::SizeValueType y = 0; y < size[1]; ++y)
                for (itk::SizeValueType x = 0; x < size[0]; ++x) {
                    typename ImageType::IndexType idx;
                    idx[0] = start[0] + static_cast<itk::IndexValueType>(x);
                    idx[1] = start[1] + static_cast<itk::IndexValueType>(y);
                    idx[2] = start[2] + static_cast<itk::IndexValueType>(z);
                    out[i++] = img->GetPixel(idx);
                }
    }
    return out;
}

class ItkFrameSource : public FrameSource {
public:
    ItkFrameSource(std::string path, Grid grid, VoxelType type) : path_(std::move(path)), grid_(grid), type_(type) {}

    Volume readFrame(std::size_t channel, std::size_t frame) const override
    {
        if (channel != 0 || frame != 0)
            throw inputError(path_, "has one channel and one frame");
        Volume v(grid_, type_);
        switch (type_) {
        case VoxelType::UInt8: copy(readVoxels<std::uint8_t>(path_, grid_.shape), v); break;
        case VoxelType::UInt16: copy(readVoxels<std::uint16_t>(path_, grid_.shape), v); break;
        default: copy(readVoxels<float>(path_, grid_.shape), v); break;
        }
        return v;
    }

private:
    template <class T> static void copy(const std::vector<T>& voxels, Volume& v)
    {
        if (voxels.size() * sizeof(T) != v.bytes())
            throw std::logic_error("ItkFrameSource: voxel count mismatch");
        std::memcpy(v.raw(), voxels.data(), v.bytes());
    }

    std::string path_;
    Grid grid_;
    VoxelType type_;
};

std::string stemOf(const std::string& path)
{
    std::string name = std::filesystem::path(path).filename().string();
    const std::string l = lowerCase(name);
    if (endsWith(l, ".nii.gz"))
        return name.substr(0, name.size() - 7);
    const std::size_t dot = name.rfind('.');
    return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

} // namespace

bool isItkImagePath(const std::string& path)
{
    const std::string p = lowerCase(path);
    for (const char* ext : {".nrrd", ".nhdr", ".mha", ".mhd", ".nii", ".nii.gz"})
        if (endsWith(p, ext))
            return true;
    return false;
}

DatasetPtr openItkImage(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw inputError(path, "no such file");
    const ItkFormat format = formatOf(path);
    itk::ImageIOBase::Pointer io = createIO(path);
    try {
        io->SetFileName(path);
        io->ReadImageInformation();
    } catch (const itk::ExceptionObject& e) {
        throw inputError(path, oneLine(e));
    }

    const unsigned dims = io->GetNumberOfDimensions();
    if (dims < 2)
        throw inputError(path, "has " + std::to_string(dims) + " dimension(s); expected a 2D or 3D image");
    for (unsigned d = 3; d < dims; ++d)
        if (io->GetDimensions(d) != 1)
            throw inputError(path, "has " + std::to_string(dims) + " dimensions; only 3D images are supported");
    if (io->GetPixelType() != itk::IOPixelEnum::SCALAR || io->GetNumberOfComponents() != 1)
        throw inputError(path, "has " + std::to_string(io->GetNumberOfComponents()) + "-component " +
                                   itk::ImageIOBase::GetPixelTypeAsString(io->GetPixelType()) +
                                   " voxels; only scalar images are supported");
    const itk::IOComponentEnum component = io->GetComponentType();
    const VoxelType type = voxelTypeFor(component, path);

    const double scale = format == ItkFormat::Nifti ? niftiScaleToMicron(*io) : 1.0;
    Grid grid;
    for (unsigned i = 0; i < 3; ++i) {  // ITK is x, y, z; Grid is z, y, x
        const unsigned g = 2 - i;
        if (i < dims) {
            grid.shape[g] = io->GetDimensions(i);
            const double sp = io->GetSpacing(i) * scale;
            grid.spacing_um[g] = std::isfinite(sp) && sp > 0 ? sp : 1.0;
            const double o = io->GetOrigin(i) * scale;
            grid.origin_um[g] = std::isfinite(o) ? o : 0.0;
        } else {
            grid.shape[g] = 1;
        }
    }
    checkAllocatable(grid.shape, type, 1, path);
    // Short data files: the format libraries would print to stderr and hand back partial buffers.
    const std::uint64_t dataBytes = std::uint64_t(grid.voxels()) * io->GetComponentSize();
    const std::string problem = format == ItkFormat::MetaImage ? metaImageDataProblem(path, dataBytes)
                                : format == ItkFormat::Nifti   ? niftiDataProblem(path, dataBytes)
                                                               : std::string();
    if (!problem.empty())
        throw inputError(path, problem);

    DatasetInfo info;
    info.path = path;
    info.format = formatName(format);
    info.metadata["itk.component_type"] = itk::ImageIOBase::GetComponentTypeAsString(component);
    // Direction cosines are not part of our Grid: note when they are not the identity.
    bool identity = true;
    for (unsigned i = 0; i < std::min(dims, 3u); ++i) {
        const auto dir = io->GetDirection(i);
        for (unsigned j = 0; j < std::min<std::size_t>(dir.size(), 3); ++j)
            if (std::fabs(dir[j] - (i == j ? 1.0 : 0.0)) > 1e-6)
                identity = false;
    }
    if (!identity)
        info.metadata["itk.direction"] = "not identity (ignored)";

    ChannelInfo ch;
    ch.name = stemOf(path);
    ch.grid = grid;
    ch.times_s = {0.0};
    ch.role = ChannelRole::MeasuredFluorescence;
    ch.unit = "a.u.";
    // RI tomograms are float with every value in [1.2, 1.8]: look at the middle slice, but only
    // where that is cheap (the IO streams, or the whole file is small).
    const std::size_t bytes = grid.voxels() * 4;
    if (isFloatComponent(component) && (io->CanStreamRead() || bytes <= (std::size_t(256) << 20))) {
        const auto slice = readVoxels<float>(path, grid.shape, static_cast<long>(grid.shape[0] / 2));
        std::size_t finite = 0;
        bool inRange = true;
        for (float v : slice) {
            if (!std::isfinite(v))
                continue;
            ++finite;
            if (v < 1.2f || v > 1.8f) {
                inRange = false;
                break;
            }
        }
        if (inRange && finite > 0) {
            ch.role = ChannelRole::RefractiveIndex;
            ch.unit = "RI";
        }
    }
    ch.display = defaultDisplayFor(ch.name, ch.role);
    info.channels.push_back(std::move(ch));

    auto source = std::make_shared<ItkFrameSource>(path, grid, type);
    return std::make_shared<const Dataset>(std::move(info), std::move(source));
}

} // namespace rfx
