#include "core/io/DatasetOpener.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/io/Hdf5Util.h"
#include "core/io/ItkImageReader.h"
#include "core/io/ResultsReader.h"
#include "core/io/TcfReader.h"
#include "core/io/TiffReader.h"
#include "core/util/Errors.h"

namespace rfx {

namespace fs = std::filesystem;

namespace {
std::string lowerExtension(const std::string& path)
{
    std::string name = fs::path(path).filename().string();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (name.size() > 7 && name.compare(name.size() - 7, 7, ".nii.gz") == 0)
        return ".nii.gz";
    return fs::path(name).extension().string();
}

bool hasTiffMagic(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    unsigned char b[4] = {0, 0, 0, 0};
    in.read(reinterpret_cast<char*>(b), 4);
    if (!in)
        return false;
    const bool le = b[0] == 'I' && b[1] == 'I' && (b[2] == 42 || b[2] == 43) && b[3] == 0;
    const bool be = b[0] == 'M' && b[1] == 'M' && b[2] == 0 && (b[3] == 42 || b[3] == 43);
    return le || be;
}
} // namespace

DatasetPtr openDataset(const std::string& path)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw inputError(path, "no such file or directory");
    if (fs::is_directory(path, ec))
        return openTiff(path);  // a folder of one-TIFF-per-slice
    if (fs::file_size(path, ec) == 0)
        throw inputError(path, "file is empty");
    {
        std::ifstream probe(path, std::ios::binary);
        if (!probe)
            throw inputError(path, "cannot be read (permission denied?)");
    }
    const std::string ext = lowerExtension(path);
    if (h5::isHdf5File(path)) {
        if (isResultsFile(path))
            return openResults(path);
        return openTcf(path);
    }
    if (hasTiffMagic(path))
        return openTiff(path);
    if (isItkImagePath(path))
        return openItkImage(path);
    if (ext == ".tcf" || ext == ".h5" || ext == ".hdf5")
        throw inputError(path, "not an HDF5 file (truncated or not a " + std::string(ext == ".tcf" ? "TCF" : "HDF5") +
                                   " file)");
    if (ext == ".tif" || ext == ".tiff")
        throw inputError(path, "not a TIFF file");
    throw inputError(path, "unsupported file format (readable: .TCF, .tif/.tiff, .h5 results, .nrrd, .mha/.mhd, .nii)");
}

} // namespace rfx
