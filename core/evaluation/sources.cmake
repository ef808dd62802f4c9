# Image-quality metrics of predictions against ground truth (PSNR, PCC, 3D SSIM, Dice).
list(APPEND REFRACTOME_CORE_AREA_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/ImageMetrics.cpp
  ${CMAKE_CURRENT_LIST_DIR}/StructuralSimilarity.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DatasetEvaluation.cpp
  ${CMAKE_CURRENT_LIST_DIR}/InstanceMatching.cpp
)
