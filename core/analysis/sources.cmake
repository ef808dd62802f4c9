# Single-cell analysis: feature tables, statistics across conditions, UMAP.
list(APPEND REFRACTOME_CORE_AREA_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/FeatureTable.cpp
  ${CMAKE_CURRENT_LIST_DIR}/FeatureMatrix.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Statistics.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ConditionStats.cpp
  ${CMAKE_CURRENT_LIST_DIR}/NearestNeighbors.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Umap.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Trustworthiness.cpp
)
# uwot's header-only UMAP optimiser ships inside the R package (Debian r-cran-uwot, a build
# dependency only). Boost.Math and hnswlib are header-only in /usr/include.
find_path(REFRACTOME_UWOT_INCLUDE_DIR uwot/epoch.h PATHS /usr/lib/R/site-library/uwot/include
          /usr/local/lib/R/site-library/uwot/include)
if(NOT REFRACTOME_UWOT_INCLUDE_DIR)
  message(FATAL_ERROR "Refractome: uwot headers not found. Install the Debian package 'r-cran-uwot' "
                      "(or run: sudo packaging/install-deps.sh).")
endif()
set_property(SOURCE ${CMAKE_CURRENT_LIST_DIR}/Umap.cpp APPEND PROPERTY
             INCLUDE_DIRECTORIES ${REFRACTOME_UWOT_INCLUDE_DIR})
