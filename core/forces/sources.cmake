# 3D cellular force microscopy (classical): digital volume correlation + elasticity.
list(APPEND REFRACTOME_CORE_AREA_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/FftCorrelator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/NodeLayout.cpp
  ${CMAKE_CURRENT_LIST_DIR}/OutlierFilter.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DisplacementCorrelator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ElasticityAnalysis.cpp
  ${CMAKE_CURRENT_LIST_DIR}/CellMask.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TfmPipeline.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TfmOutput.cpp
)
list(APPEND REFRACTOME_CORE_AREA_LIBS ${FFTW3F_LIB})
