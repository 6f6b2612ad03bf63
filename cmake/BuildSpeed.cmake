# Build time. Parsing LibTorch's headers is most of the cost of each translation unit (~20 s of CPU), so
# there are two modes (scripts/install.js picks one; see README "Installing"):
# - GT_UNITY=ON: sources are batched into one unity file per parallel job (GT_JOBS), each parsing the
#   headers once. Least CPU for a one-shot build (an installed package); touching a file rebuilds its batch.
# - otherwise a precompiled header (native/pch.h) holds what nearly every file includes, parsed once per
#   build, and files compile one by one: a touched file rebuilds alone in seconds (a checkout).
# C++ sources only: nvcc cannot read GCC's precompiled headers and .cu files stay out of unity batches.
option(GT_UNITY "Unity (jumbo) build of the C++ sources, one batch per job" OFF)
set(GT_JOBS 2 CACHE STRING "Parallel compile jobs the unity batches are sized for")
list(LENGTH GT_SOURCES GT_SOURCE_COUNT)
if(GT_UNITY)
  math(EXPR GT_UNITY_BATCH "(${GT_SOURCE_COUNT} + ${GT_JOBS} - 1) / ${GT_JOBS}")
  set_target_properties(${PROJECT_NAME} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${GT_UNITY_BATCH})
  message(STATUS "gumbel-torch: ${GT_SOURCE_COUNT} sources in unity batches of ${GT_UNITY_BATCH} (one per job)")
else()
  target_precompile_headers(${PROJECT_NAME} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:${CMAKE_CURRENT_SOURCE_DIR}/native/pch.h>")
  message(STATUS "gumbel-torch: ${GT_SOURCE_COUNT} sources, file by file with a precompiled header (native/pch.h)")
endif()
