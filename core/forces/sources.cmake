# 3D cellular force microscopy: digital volume correlation (classical) or a force model (learned) + elasticity.
list(APPEND REFRACTOME_CORE_AREA_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/FftCorrelator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/NodeLayout.cpp
  ${CMAKE_CURRENT_LIST_DIR}/OutlierFilter.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DisplacementCorrelator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ElasticityAnalysis.cpp
  ${CMAKE_CURRENT_LIST_DIR}/CellMask.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TfmPipeline.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TfmOutput.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TfmInputLoader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/LearnedTfm.cpp
)
list(APPEND REFRACTOME_CORE_AREA_LIBS ${FFTW3F_LIB})
