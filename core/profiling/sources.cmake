# Single-cell profiling: the 65-feature catalog, per-cell measurement, tracking, dataset profiling.
list(APPEND REFRACTOME_CORE_AREA_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/FeatureCatalog.cpp
  ${CMAKE_CURRENT_LIST_DIR}/CellMeasurer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/CellTracker.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DatasetProfiler.cpp
  ${CMAKE_CURRENT_LIST_DIR}/OpenDatasetProfile.cpp
)
