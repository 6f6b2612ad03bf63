# Build time. Parsing LibTorch's headers is most of the cost of each translation unit (~20 s of CPU), so:
# - a precompiled header (native/pch.h) holds what nearly every file includes, parsed once per build;
#   C++ sources only: nvcc cannot read GCC's precompiled headers, and .cu files include their own.
# - GT_UNITY=ON (off by default) batches sources into GT_UNITY_BATCH files: fewer parses, but touching
#   one file then rebuilds its whole batch.
option(GT_PCH "Precompile the common LibTorch headers" ON)
option(GT_UNITY "Unity (jumbo) build of the C++ sources" OFF)
set(GT_UNITY_BATCH 8 CACHE STRING "Sources per unity batch")
if(GT_PCH)
  target_precompile_headers(${PROJECT_NAME} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:${CMAKE_CURRENT_SOURCE_DIR}/native/pch.h>")
endif()
if(GT_UNITY)
  set_target_properties(${PROJECT_NAME} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${GT_UNITY_BATCH})
endif()
list(LENGTH GT_SOURCES GT_SOURCE_COUNT)
message(STATUS "gumbel-torch: ${GT_SOURCE_COUNT} sources, precompiled header=${GT_PCH}, unity=${GT_UNITY}, "
  "compiler launcher=${CMAKE_CXX_COMPILER_LAUNCHER}")
