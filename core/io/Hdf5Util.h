#pragma once
// Thin RAII layer over HDF5's C API, shared by the TCF reader and the results file.
// HDF5 1.10 in Debian is not thread-safe: every call goes through hdf5Mutex().
// Errors become exceptions with the file name; HDF5's own error stack printing is switched off.
#include <hdf5.h>

#include <array>
#include <mutex>
#include <string>
#include <vector>

#include "core/model/VoxelType.h"

namespace rfx::h5 {

std::recursive_mutex& mutex();

// Owns an hid_t and closes it with the matching H5*close.
class Handle {
public:
    Handle() = default;
    explicit Handle(hid_t id) : id_(id) {}
    ~Handle() { reset(); }
    Handle(Handle&& o) noexcept : id_(o.id_) { o.id_ = -1; }
    Handle& operator=(Handle&& o) noexcept
    {
        if (this != &o) {
            reset();
            id_ = o.id_;
            o.id_ = -1;
        }
        return *this;
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    hid_t id() const { return id_; }
    operator hid_t() const { return id_; }
    bool valid() const { return id_ >= 0; }
    void reset();

private:
    hid_t id_ = -1;
};

// Silences HDF5's automatic error printing (once per process).
void silenceErrors();

// True if the file starts with the HDF5 signature (at offset 0, 512, 1024, ...).
bool isHdf5File(const std::string& path);

// Opens read-only; InputError "PATH: no such file or cannot be read" / "not an HDF5 file" / "cannot open".
Handle openReadOnly(const std::string& path);

bool exists(hid_t loc, const std::string& path);  // each component checked; never throws
bool isGroup(hid_t loc, const std::string& path);
bool isDataset(hid_t loc, const std::string& path);
Handle openGroup(hid_t loc, const std::string& path, const std::string& file);
Handle openDataset(hid_t loc, const std::string& path, const std::string& file);
std::vector<std::string> children(hid_t group);

bool hasAttr(hid_t obj, const std::string& name);
// Numeric attribute (any integer or float type, scalar or first element). InputError if missing.
double attrDouble(hid_t obj, const std::string& name, const std::string& where);
double attrDoubleOr(hid_t obj, const std::string& name, double fallback);
std::vector<double> attrDoubles(hid_t obj, const std::string& name, const std::string& where);
// String attribute (fixed or variable length). Empty string when missing.
std::string attrString(hid_t obj, const std::string& name);

void writeAttr(hid_t obj, const std::string& name, double value);
void writeAttr(hid_t obj, const std::string& name, long long value);
void writeAttr(hid_t obj, const std::string& name, const std::vector<double>& values);
void writeAttr(hid_t obj, const std::string& name, const std::string& value);

// Dataset dimensions; InputError naming `where` if not a dataset.
std::vector<hsize_t> datasetDims(hid_t dset);

// In-memory HDF5 type of a voxel type (for H5Dread/H5Dwrite).
hid_t nativeType(VoxelType t);

// Text of the innermost HDF5 error, for messages such as a missing compression filter.
std::string lastErrorText();

} // namespace rfx::h5
