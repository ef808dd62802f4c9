# Debian package (cpack -G DEB in the build folder, or packaging/make-deb.sh): both executables, the
# LibTorch opencv_highgui stub in a private folder, the bundled models, the demo data, the desktop
# entry with its icon, the .TCF MIME type and the documentation. Included from the top-level
# CMakeLists.txt after every target exists.
#
# Installed layout (prefix /usr):
#   bin/refractome-cli, bin/refractome
#   lib/refractome/libopencv_highgui.so.406        the empty stub (see docs/architecture.md)
#   share/refractome/models/ri2fl-synthetic/       model.json + model.pt (found by ModelLocator
#                                                  as <exe>/../share/refractome/models)
#   share/refractome/demo/demo_timelapse.h5
#   share/applications/refractome.desktop, share/icons/hicolor/scalable/apps/refractome.svg,
#   share/mime/packages/refractome.xml, share/doc/refractome/

# Installed executables find the stub through a DT_RPATH relative to themselves, so the package
# also works unpacked anywhere (dpkg-deb -x into a scratch root, as tests/packaging does) and the
# stub still shadows Debian's libopencv_highgui (and with it Qt 5). The build tree keeps its
# absolute RPATH to build/torch-stub; --disable-new-dtags (refractome_use_torch_rpath) keeps
# the tag DT_RPATH, which applies to indirect dependencies such as libtorch_cpu's.
if(REFRACTOME_WITH_TORCH)
  foreach(_t refractome-cli refractome)
    if(TARGET ${_t})
      set_target_properties(${_t} PROPERTIES INSTALL_RPATH "\$ORIGIN/../${REFRACTOME_INSTALL_PRIVATE_LIBDIR}")
    endif()
  endforeach()
endif()

set(_rfx_src "${PROJECT_SOURCE_DIR}")
# Bundled model packages: each folder of models/ holding a model.json (plus the files it lists).
file(GLOB _rfx_model_manifests "${_rfx_src}/models/*/model.json")
foreach(_m ${_rfx_model_manifests})
  get_filename_component(_dir "${_m}" DIRECTORY)
  get_filename_component(_name "${_dir}" NAME)
  file(READ "${_m}" _json)
  string(JSON _nfiles LENGTH "${_json}" files)
  set(_files "${_m}")
  math(EXPR _last "${_nfiles} - 1")
  foreach(_i RANGE ${_last})
    string(JSON _f GET "${_json}" files ${_i} path)
    list(APPEND _files "${_dir}/${_f}")
  endforeach()
  if(EXISTS "${_dir}/TRAINING.md")
    list(APPEND _files "${_dir}/TRAINING.md")
  endif()
  install(FILES ${_files} DESTINATION share/refractome/models/${_name})
endforeach()

if(REFRACTOME_WITH_GUI)
  install(FILES "${_rfx_src}/resources/refractome.desktop" DESTINATION share/applications)
  install(FILES "${_rfx_src}/resources/refractome.svg" DESTINATION share/icons/hicolor/scalable/apps)
endif()
install(FILES "${_rfx_src}/resources/refractome-mime.xml" DESTINATION share/mime/packages RENAME refractome.xml)
install(FILES "${_rfx_src}/README.md" DESTINATION share/doc/refractome)
install(DIRECTORY "${_rfx_src}/docs/" DESTINATION share/doc/refractome/docs FILES_MATCHING PATTERN "*.md" PATTERN "*.png"
        PATTERN "*.svg")
install(FILES "${_rfx_src}/packaging/debian/copyright" DESTINATION share/doc/refractome)

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "refractome")
set(CPACK_PACKAGE_VENDOR "Refractome developers")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "Refractome developers <refractome@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/refractome/refractome")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "${PROJECT_DESCRIPTION}\n"
  "Refractome opens refractive-index tomograms and time-lapses (Tomocube .TCF, TIFF stacks,\n"
  "NRRD/MetaImage/NIfTI), renders them in 3D, predicts fluorescence channels from RI with\n"
  "uncertainty maps, profiles single cells and reconstructs 3D cellular forces from bead\n"
  "volumes. Includes the desktop application (refractome), the command-line tool\n"
  "(refractome-cli, with resumable and shardable batch processing) and a bundled RI2FL model.")
# Run-time dependencies from the binaries themselves (dpkg-shlibdeps; needs dpkg-dev). The stub's
# folder is private: dpkg-shlibdeps must not look for a Debian package providing it.
find_program(_rfx_dpkg_shlibdeps dpkg-shlibdeps)
if(_rfx_dpkg_shlibdeps)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${REFRACTOME_STUB_DIR}")
else()
  # Fallback without dpkg-dev: the run-time libraries of packaging/debian-packages.txt.
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6, libstdc++6, libgcc-s1, libgomp1, libhdf5-103-1, libhdf5-cpp-103-1, libhdf5-hl-100, libtiff6, libfftw3-single3, libtorch1.13, libinsighttoolkit5.2, libqt6core6, libqt6gui6, libqt6widgets6, libqt6openglwidgets6, libqt6opengl6, libvtk9.1")
endif()
# Installing the package runs Debian's triggers for the desktop database, the icon cache and the
# MIME database (update-desktop-database, gtk-update-icon-cache, update-mime-database).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "shared-mime-info, desktop-file-utils, hicolor-icon-theme")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "xvfb")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_SOURCE_IGNORE_FILES "/build[^/]*/" "/\\\\.git/")
include(CPack)
