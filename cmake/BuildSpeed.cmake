# Build time. Parsing LibTorch's headers is most of the cost of each translation unit (~20 s of CPU), and
# loading them from a precompiled header still costs several seconds per translation unit (it is ~1 GB).
# So sources are always compiled in unity batches; scripts/install.js picks the layout (README "Installing"):
# - an installed package, built once (GT_PCH=OFF, GT_UNITY_BATCH=0): one batch per parallel job (GT_JOBS),
#   each parsing the headers itself: least CPU for a one-shot build.
# - a checkout, where files are edited (GT_PCH=ON, GT_UNITY_BATCH=4): the common headers (native/binding/pch.h)
#   are parsed once into a precompiled header and batches are small, so a touched file rebuilds its batch
#   in seconds while a cold build stays short.
# C++ sources only: nvcc cannot read GCC's precompiled headers and .cu files stay out of unity batches.
option(GT_PCH "Precompiled header native/binding/pch.h for the C++ sources" OFF)
set(GT_UNITY_BATCH 0 CACHE STRING "Sources per unity batch (0: one batch per parallel job, 1: file by file)")
set(GT_JOBS 2 CACHE STRING "Parallel compile jobs the unity batches are sized for")
# Called once every source's properties are set: only sources that may join a batch are counted.
function(gt_build_speed)
  set(batchable "")
  foreach(src IN LISTS GT_SOURCES)
    get_source_file_property(skip ${src} SKIP_UNITY_BUILD_INCLUSION)
    if(src MATCHES "\\.(cc|cpp|cxx)$" AND NOT skip)
      list(APPEND batchable ${src})
    endif()
  endforeach()
  list(LENGTH batchable count)
  set(batch ${GT_UNITY_BATCH})
  if(batch EQUAL 0)
    math(EXPR batch "(${count} + ${GT_JOBS} - 1) / ${GT_JOBS}")
  endif()
  set_target_properties(${PROJECT_NAME} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${batch})
  if(GT_PCH)
    target_precompile_headers(${PROJECT_NAME} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:${CMAKE_CURRENT_SOURCE_DIR}/native/binding/pch.h>")
    message(STATUS "gumbel-torch: ${count} sources in unity batches of ${batch} with a precompiled header (native/binding/pch.h), others alone")
  else()
    message(STATUS "gumbel-torch: ${count} sources in unity batches of ${batch} (one per job), others alone")
  endif()
endfunction()
