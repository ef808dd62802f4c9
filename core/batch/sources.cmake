# Batch processing: manifests, sharding, completion markers, status and merged feature tables
# (the step runner itself is app/cli/BatchCommand.cpp, which calls the CLI's command runners).
list(APPEND REFRACTOME_CORE_AREA_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/BatchManifest.cpp
  ${CMAKE_CURRENT_LIST_DIR}/BatchState.cpp
)
