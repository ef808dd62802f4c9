list(APPEND REFRACTOME_CORE_AREA_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/ModelManifest.cpp
  ${CMAKE_CURRENT_LIST_DIR}/AxisTiling.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Resample.cpp
  ${CMAKE_CURRENT_LIST_DIR}/PredictionSink.cpp
  ${CMAKE_CURRENT_LIST_DIR}/PatchPredictor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ModelLocator.cpp
)
