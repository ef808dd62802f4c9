# Single-cell analysis: feature tables, statistics across conditions, UMAP.
list(APPEND REFRACTOME_CORE_AREA_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/FeatureTable.cpp
  ${CMAKE_CURRENT_LIST_DIR}/FeatureMatrix.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Statistics.cpp
  ${CMAKE_CURRENT_LIST_DIR}/FeatureTableConcat.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ConditionStats.cpp
  ${CMAKE_CURRENT_LIST_DIR}/NearestNeighbors.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Umap.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Trustworthiness.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Hungarian.cpp
)
# uwot's headers live inside the R package (found in cmake/RefractomeDependencies.cmake).
set_property(SOURCE ${CMAKE_CURRENT_LIST_DIR}/Umap.cpp APPEND PROPERTY
             INCLUDE_DIRECTORIES ${REFRACTOME_UWOT_INCLUDE_DIR})
