# Registration and stitching of overlapping 3D tiles (phase correlation with FFTW, single precision).
list(APPEND REFRACTOME_CORE_AREA_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/TileLayout.cpp
  ${CMAKE_CURRENT_LIST_DIR}/PhaseCorrelation.cpp
  ${CMAKE_CURRENT_LIST_DIR}/GlobalPlacement.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TileBlender.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TileStitcher.cpp
)
list(APPEND REFRACTOME_CORE_AREA_LIBS ${FFTW3F_LIB})
