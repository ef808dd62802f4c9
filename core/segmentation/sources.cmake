# Segmentation: organelle masks, nucleus and cell instances (ITK kept in LabelFilters.cpp).
list(APPEND REFRACTOME_CORE_AREA_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/LabelFilters.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Thresholding.cpp
  ${CMAKE_CURRENT_LIST_DIR}/CellSegmentation.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DatasetSegmentation.cpp
)
