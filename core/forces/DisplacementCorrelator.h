#pragma once
// Digital volume correlation (DVC): the displacement field that maps a relaxed bead volume onto a
// stressed one, on a regular grid of correlation windows. FFT cross-correlation of zero-mean,
// apodised windows with a Gaussian sub-voxel peak fit, a coarse pass with windows twice as large,
// iterative window offset (each stressed window is re-sampled, trilinearly, at the node's current
// displacement and the residual re-correlated) and the normalised median test after every sweep.
// Window offset rather than full window deformation: on Kelvin fields deformation without a
// predictor filter was measured less accurate (docs/tfm.md).
#include <array>
#include <cstdint>
#include <vector>

#include "core/model/Volume.h"
#include "core/util/Progress.h"

namespace rfx {

struct DvcParams {
    // Final window edge in voxels along the most finely sampled axis; the other axes get windows of about
    // the same physical size (even, at least 8 voxels), so anisotropic stacks keep cube-like windows.
    int window = 32;
    double overlap = 0.5;          // fraction of a window shared by neighbouring windows
    bool coarsePass = true;        // first correlate with windows twice as large (larger capture range)
    bool removeDrift = true;       // start from the rigid shift found by correlating the whole (binned) volumes
    int maxIterations = 3;         // window-offset iterations per pass after its first sweep
    double convergence_vox = 0.01; // stop a pass when the mean update falls below this
    double medianEpsilon_vox = 0.1;
    double medianThreshold = 2.0;
    double minQuality = 0.1;       // correlation peaks below this are treated as missing
    // Fewer valid (not rejected) vectors than this fraction: the stressed volume does not match the
    // relaxed one (no beads, wrong file) and correlate() throws InputError.
    double minValidFraction = 0.25;
    int threads = 2;
};

struct DvcInputs {
    VolumePtr relaxed;   // any scalar voxel type; its grid gives the voxel size
    VolumePtr stressed;  // same shape
    DvcParams params;
};

struct DvcPassReport {
    std::array<int, 3> window{0, 0, 0};  // (z, y, x) voxels
    int sweeps = 0;                      // correlation sweeps (1 + warping iterations)
    double lastMeanUpdate_vox = 0;
    std::size_t rejected = 0;            // vectors replaced in the last sweep
};

struct DvcResult {
    // Node grid: shape = nodes (z, y, x), spacing = step x voxel size, origin = position of the first
    // node in the relaxed volume's frame (relaxed origin + first window centre).
    Grid nodes;
    std::array<int, 3> window{0, 0, 0};  // final window (z, y, x) voxels
    std::array<int, 3> step{0, 0, 0};
    Volume displacement_um;   // float32, 3 components (x, y, z), µm
    Volume displacement_vox;  // float32, 3 components (x, y, z), voxels of each axis
    Volume quality;           // float32 in [0, 1]: normalised correlation peak of the last sweep
    Volume rejected;          // uint8: 1 where the vector was replaced by its neighbours' median
    std::array<double, 3> drift_vox{0, 0, 0};  // (x, y, z) initial rigid shift (whole voxels; part of the displacement)
    double validFraction = 0;  // share of windows with a clear correlation peak in the last sweep
    std::vector<DvcPassReport> passes;
};

struct NodeLayout;
// A result on node layout `l` over the image grid `image`: node grid, window and step set, the fields
// allocated and zero (shared by the correlator and the learned method, which samples a network there).
DvcResult emptyDvcResult(const NodeLayout& l, const Grid& image);

// Rigid drift between the acquisitions (stage drift, gel swelling), whole voxels (z, y, x): one
// correlation of the whole volumes, both binned 2x2x2, refined to the nearest voxel by one
// full-resolution correlation of a central block; zero when no clear peak. A bead at voxel p of
// `relaxed` lies near p + drift in `stressed`. The learned method removes it before its network
// (a uniform residual of one voxel made its error up to 3x larger). The correlator starts from the binned
// estimate alone: its windows find the rest.
std::array<double, 3> estimateRigidDrift(const Volume& relaxed, const Volume& stressed);

// Throws InputError for mismatched shapes, volumes too small for one window, or volumes that do
// not correlate (see DvcParams::minValidFraction); CancelledError when cancelled.
DvcResult correlateVolumes(const DvcInputs& inputs, const ProgressFn& progress = {}, const CancelToken& cancel = {});

} // namespace rfx
