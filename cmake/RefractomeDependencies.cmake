# All third-party packages, found in one place. Each failure names the Debian package to install
# (every one is listed in packaging/debian-packages.txt; packaging/install-deps.sh installs them).

macro(refractome_require pkg debian)
  find_package(${pkg} ${ARGN} QUIET)
  if(NOT ${pkg}_FOUND)
    message(FATAL_ERROR "Refractome: dependency '${pkg}' not found. Install the Debian package '${debian}' "
                        "(or run: sudo packaging/install-deps.sh).")
  endif()
endmacro()

# HDF5 first, with C++ and HL: the first FindHDF5 call defines HDF5::HDF5 for everyone (VTK's and
# ITK's later calls would otherwise leave out the C++ library). Never the MPI flavour.
refractome_require(HDF5 libhdf5-dev COMPONENTS C CXX HL)
if(HDF5_IS_PARALLEL)
  message(FATAL_ERROR "Refractome: found the parallel (MPI) HDF5. Use Debian's serial libhdf5-dev.")
endif()
refractome_require(Eigen3 libeigen3-dev NO_MODULE)
refractome_require(TIFF libtiff-dev)
refractome_require(ITK libinsighttoolkit5-dev COMPONENTS ITKCommon ITKIOImageBase ITKIONRRD ITKIOMeta ITKIONIFTI
                   ITKThresholding ITKConnectedComponents ITKWatersheds ITKLabelMap ITKImageStatistics
                   ITKImageGradient ITKImageIntensity ITKSmoothing ITKDistanceMap ITKMathematicalMorphology)
refractome_require(Threads libc6-dev)
refractome_require(nlohmann_json nlohmann-json3-dev)

# FFTW (single precision) for correlation-based registration (stitching, volume correlation).
find_library(FFTW3F_LIB fftw3f)
find_path(FFTW3_INCLUDE_DIR fftw3.h)
if(NOT FFTW3F_LIB OR NOT FFTW3_INCLUDE_DIR)
  message(FATAL_ERROR "Refractome: FFTW3 (single precision) not found. Install the Debian package 'libfftw3-dev' "
                      "(or run: sudo packaging/install-deps.sh).")
endif()

# uwot's header-only UMAP optimiser ships inside the R package (Debian r-cran-uwot, a build
# dependency only). Boost.Math and hnswlib are header-only in /usr/include.
find_path(REFRACTOME_UWOT_INCLUDE_DIR uwot/epoch.h PATHS /usr/lib/R/site-library/uwot/include
          /usr/local/lib/R/site-library/uwot/include)
if(NOT REFRACTOME_UWOT_INCLUDE_DIR)
  message(FATAL_ERROR "Refractome: uwot headers not found. Install the Debian package 'r-cran-uwot' "
                      "(or run: sudo packaging/install-deps.sh).")
endif()
find_path(REFRACTOME_HNSWLIB_INCLUDE_DIR hnswlib/hnswlib.h)
find_path(REFRACTOME_BOOST_MATH_INCLUDE_DIR boost/math/distributions/fisher_f.hpp)
if(NOT REFRACTOME_HNSWLIB_INCLUDE_DIR OR NOT REFRACTOME_BOOST_MATH_INCLUDE_DIR)
  message(FATAL_ERROR "Refractome: hnswlib or Boost.Math headers not found. Install the Debian packages "
                      "'libhnswlib-dev' and 'libboost-math-dev' (or run: sudo packaging/install-deps.sh).")
endif()

if(REFRACTOME_WITH_TORCH)
  refractome_require(Torch libtorch-dev)
endif()

if(REFRACTOME_WITH_GUI)
  refractome_require(Qt6 qt6-base-dev COMPONENTS Core Gui Widgets OpenGL OpenGLWidgets Test)
  refractome_require(Qt6 qt6-svg-dev COMPONENTS Svg)  # plot export (profiling panel)
  # VTK's Qt modules are built for Qt 5 in Debian: never request GUISupportQt/RenderingQt/ViewsQt.
  refractome_require(VTK libvtk9-dev COMPONENTS CommonCore CommonDataModel CommonExecutionModel
                     RenderingCore RenderingOpenGL2 RenderingVolume RenderingVolumeOpenGL2
                     RenderingAnnotation RenderingFreeType InteractionStyle InteractionWidgets
                     FiltersCore FiltersSources FiltersGeneral FiltersModeling ImagingCore IOImage IOExport
                     IOOggTheora)  # movies (Debian builds no IOFFMPEG; MP4 goes through the ffmpeg program)
endif()

if(REFRACTOME_BUILD_TESTS)
  refractome_require(Catch2 catch2 2)
endif()

# Debian's libtorch_cpu has a dead DT_NEEDED on libopencv_highgui.so.406, which pulls in Qt 5.
# We build an empty library of that soname and make executables find it first through DT_RPATH
# (RUNPATH does not apply to indirect dependencies). tests/arch checks no binary loads Qt 5.
set(REFRACTOME_STUB_DIR "${PROJECT_BINARY_DIR}/torch-stub")
set(REFRACTOME_INSTALL_PRIVATE_LIBDIR "lib/refractome")
function(refractome_use_torch_rpath target)
  target_link_options(${target} PRIVATE "-Wl,--disable-new-dtags")
  set_target_properties(${target} PROPERTIES
    BUILD_RPATH "${REFRACTOME_STUB_DIR}"
    INSTALL_RPATH "${CMAKE_INSTALL_PREFIX}/${REFRACTOME_INSTALL_PRIVATE_LIBDIR}")
  add_dependencies(${target} refractome_opencv_highgui_stub)
endfunction()
