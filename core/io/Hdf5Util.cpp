#include "core/io/Hdf5Util.h"

#include <cstring>
#include <fstream>

#include "core/util/Errors.h"

namespace rfx::h5 {

std::recursive_mutex& mutex()
{
    static std::recursive_mutex m;
    return m;
}

void Handle::reset()
{
    if (id_ < 0)
        return;
    std::lock_guard<std::recursive_mutex> lock(mutex());
    switch (H5Iget_type(id_)) {
    case H5I_FILE: H5Fclose(id_); break;
    case H5I_GROUP: H5Gclose(id_); break;
    case H5I_DATASET: H5Dclose(id_); break;
    case H5I_DATASPACE: H5Sclose(id_); break;
    case H5I_DATATYPE: H5Tclose(id_); break;
    case H5I_ATTR: H5Aclose(id_); break;
    case H5I_GENPROP_LST: H5Pclose(id_); break;
    default: break;
    }
    id_ = -1;
}

void silenceErrors()
{
    static std::once_flag once;
    std::call_once(once, [] {
        std::lock_guard<std::recursive_mutex> lock(mutex());
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    });
}

bool isHdf5File(const std::string& path)
{
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    for (std::streamoff off = 0; off <= 8192; off = off == 0 ? 512 : off * 2) {
        in.clear();
        in.seekg(off);
        unsigned char buf[8];
        if (!in.read(reinterpret_cast<char*>(buf), 8))
            return false;
        if (std::memcmp(buf, sig, 8) == 0)
            return true;
    }
    return false;
}

Handle openReadOnly(const std::string& path)
{
    silenceErrors();
    std::ifstream probe(path, std::ios::binary);
    if (!probe)
        throw inputError(path, "no such file or cannot be read");
    if (!isHdf5File(path))
        throw inputError(path, "not an HDF5 file");
    std::lock_guard<std::recursive_mutex> lock(mutex());
    hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        throw inputError(path, "cannot open HDF5 file (truncated or corrupt?)");
    return Handle(f);
}

bool exists(hid_t loc, const std::string& path)
{
    std::lock_guard<std::recursive_mutex> lock(mutex());
    std::string partial;
    std::size_t start = path[0] == '/' ? 1 : 0;
    if (path[0] == '/')
        partial = "/";
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string::npos)
            end = path.size();
        if (end > start) {
            partial += (partial.empty() || partial.back() == '/' ? "" : "/") + path.substr(start, end - start);
            if (H5Lexists(loc, partial.c_str(), H5P_DEFAULT) <= 0)
                return false;
        }
        start = end + 1;
    }
    return true;
}

namespace {
H5O_type_t objectType(hid_t loc, const std::string& path)
{
    if (!exists(loc, path))
        return H5O_TYPE_UNKNOWN;
    std::lock_guard<std::recursive_mutex> lock(mutex());
    H5O_info_t info;
    if (H5Oget_info_by_name(loc, path.c_str(), &info, H5P_DEFAULT) < 0)
        return H5O_TYPE_UNKNOWN;
    return info.type;
}
} // namespace

bool isGroup(hid_t loc, const std::string& path) { return objectType(loc, path) == H5O_TYPE_GROUP; }
bool isDataset(hid_t loc, const std::string& path) { return objectType(loc, path) == H5O_TYPE_DATASET; }

Handle openGroup(hid_t loc, const std::string& path, const std::string& file)
{
    if (!isGroup(loc, path))
        throw inputError(file, "missing HDF5 group '" + path + "'");
    std::lock_guard<std::recursive_mutex> lock(mutex());
    hid_t g = H5Gopen2(loc, path.c_str(), H5P_DEFAULT);
    if (g < 0)
        throw inputError(file, "cannot open HDF5 group '" + path + "'");
    return Handle(g);
}

Handle openDataset(hid_t loc, const std::string& path, const std::string& file)
{
    if (!isDataset(loc, path))
        throw inputError(file, "missing HDF5 dataset '" + path + "'");
    std::lock_guard<std::recursive_mutex> lock(mutex());
    hid_t d = H5Dopen2(loc, path.c_str(), H5P_DEFAULT);
    if (d < 0)
        throw inputError(file, "cannot open HDF5 dataset '" + path + "'");
    return Handle(d);
}

std::vector<std::string> children(hid_t group)
{
    std::lock_guard<std::recursive_mutex> lock(mutex());
    std::vector<std::string> names;
    H5G_info_t info;
    if (H5Gget_info(group, &info) < 0)
        return names;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
        ssize_t len = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
        if (len < 0)
            continue;
        std::string name(static_cast<std::size_t>(len), '\0');
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size() + 1, H5P_DEFAULT);
        names.push_back(name);
    }
    return names;
}

bool hasAttr(hid_t obj, const std::string& name)
{
    std::lock_guard<std::recursive_mutex> lock(mutex());
    return H5Aexists(obj, name.c_str()) > 0;
}

std::vector<double> attrDoubles(hid_t obj, const std::string& name, const std::string& where)
{
    std::lock_guard<std::recursive_mutex> lock(mutex());
    if (H5Aexists(obj, name.c_str()) <= 0)
        throw InputError(where + ": missing attribute '" + name + "'");
    Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
    Handle type(H5Aget_type(a));
    const H5T_class_t cls = H5Tget_class(type);
    if (cls != H5T_INTEGER && cls != H5T_FLOAT) {
        if (cls == H5T_STRING) {
            // Some writers store numbers as strings; accept them when they parse.
            std::string s = attrString(obj, name);
            try {
                std::size_t used = 0;
                double v = std::stod(s, &used);
                return {v};
            } catch (...) {
            }
        }
        throw InputError(where + ": attribute '" + name + "' is not numeric");
    }
    Handle space(H5Aget_space(a));
    hssize_t n = H5Sget_simple_extent_npoints(space);
    if (n <= 0 || n > (1 << 24))
        throw InputError(where + ": attribute '" + name + "' has an invalid size");
    std::vector<double> values(static_cast<std::size_t>(n));
    if (H5Aread(a, H5T_NATIVE_DOUBLE, values.data()) < 0)
        throw InputError(where + ": cannot read attribute '" + name + "'");
    return values;
}

double attrDouble(hid_t obj, const std::string& name, const std::string& where)
{
    return attrDoubles(obj, name, where).front();
}

double attrDoubleOr(hid_t obj, const std::string& name, double fallback)
{
    try {
        if (!hasAttr(obj, name))
            return fallback;
        return attrDouble(obj, name, "");
    } catch (const InputError&) {
        return fallback;
    }
}

std::string attrString(hid_t obj, const std::string& name)
{
    std::lock_guard<std::recursive_mutex> lock(mutex());
    if (H5Aexists(obj, name.c_str()) <= 0)
        return {};
    Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
    Handle type(H5Aget_type(a));
    if (H5Tget_class(type) != H5T_STRING)
        return {};
    Handle space(H5Aget_space(a));
    if (H5Sget_simple_extent_npoints(space) < 1)
        return {};
    if (H5Tis_variable_str(type) > 0) {
        Handle mem(H5Tcopy(H5T_C_S1));
        H5Tset_size(mem, H5T_VARIABLE);
        hssize_t n = H5Sget_simple_extent_npoints(space);
        std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
        if (H5Aread(a, mem, ptrs.data()) < 0)
            return {};
        std::string s = ptrs[0] ? ptrs[0] : "";
        H5Dvlen_reclaim(mem, space, H5P_DEFAULT, ptrs.data());
        return s;
    }
    const std::size_t size = H5Tget_size(type);
    if (size == 0 || size > (1u << 24))
        return {};
    std::string s(size * static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)), '\0');
    if (H5Aread(a, type, s.data()) < 0)
        return {};
    s.resize(std::strlen(s.c_str()));
    return s.substr(0, std::min(s.size(), size));
}

namespace {
Handle replaceAttr(hid_t obj, const std::string& name, hid_t type, hid_t space)
{
    if (H5Aexists(obj, name.c_str()) > 0)
        H5Adelete(obj, name.c_str());
    Handle a(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT));
    if (!a.valid())
        throw std::runtime_error("HDF5: cannot create attribute '" + name + "'");
    return a;
}
} // namespace

void writeAttr(hid_t obj, const std::string& name, double value)
{
    std::lock_guard<std::recursive_mutex> lock(mutex());
    Handle space(H5Screate(H5S_SCALAR));
    Handle a = replaceAttr(obj, name, H5T_IEEE_F64LE, space);
    H5Awrite(a, H5T_NATIVE_DOUBLE, &value);
}

void writeAttr(hid_t obj, const std::string& name, long long value)
{
    std::lock_guard<std::recursive_mutex> lock(mutex());
    Handle space(H5Screate(H5S_SCALAR));
    Handle a = replaceAttr(obj, name, H5T_STD_I64LE, space);
    H5Awrite(a, H5T_NATIVE_LLONG, &value);
}

void writeAttr(hid_t obj, const std::string& name, const std::vector<double>& values)
{
    std::lock_guard<std::recursive_mutex> lock(mutex());
    hsize_t n = values.size();
    Handle space(H5Screate_simple(1, &n, nullptr));
    Handle a = replaceAttr(obj, name, H5T_IEEE_F64LE, space);
    H5Awrite(a, H5T_NATIVE_DOUBLE, values.data());
}

void writeAttr(hid_t obj, const std::string& name, const std::string& value)
{
    std::lock_guard<std::recursive_mutex> lock(mutex());
    Handle type(H5Tcopy(H5T_C_S1));
    H5Tset_size(type, std::max<std::size_t>(1, value.size()));
    H5Tset_strpad(type, H5T_STR_NULLPAD);
    H5Tset_cset(type, H5T_CSET_UTF8);
    Handle space(H5Screate(H5S_SCALAR));
    Handle a = replaceAttr(obj, name, type, space);
    std::string padded = value.empty() ? std::string(1, '\0') : value;
    H5Awrite(a, type, padded.data());
}

std::vector<hsize_t> datasetDims(hid_t dset)
{
    std::lock_guard<std::recursive_mutex> lock(mutex());
    Handle space(H5Dget_space(dset));
    int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 0 || rank > 8)
        return {};
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    return dims;
}

hid_t nativeType(VoxelType t)
{
    switch (t) {
    case VoxelType::UInt8: return H5T_NATIVE_UINT8;
    case VoxelType::UInt16: return H5T_NATIVE_UINT16;
    case VoxelType::Int32: return H5T_NATIVE_INT32;
    case VoxelType::Float32: return H5T_NATIVE_FLOAT;
    }
    return H5T_NATIVE_FLOAT;
}

namespace {
herr_t innermost(unsigned n, const H5E_error2_t* err, void* data)
{
    auto* out = static_cast<std::string*>(data);
    if (n == 0 && err && err->desc)
        *out = err->desc;
    return 0;
}
} // namespace

std::string lastErrorText()
{
    std::lock_guard<std::recursive_mutex> lock(mutex());
    std::string text;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, innermost, &text);
    return text;
}

} // namespace rfx::h5
