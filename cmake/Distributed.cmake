# Distributed training on LibTorch's c10d (native/distributed/). Self-contained: included after the
# addon target exists, and it sets flags on the distributed sources only, so the other objects keep
# their flags (and their compiler-cache entries). Gloo needs gloo's own headers (Debian: libgloo-dev;
# PyTorch's LibTorch ships them); NCCL needs a CUDA LibTorch and nccl.h. Without a backend the addon
# still builds, and initProcessGroup says what to install.
set(GT_DIST_SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/native/distributed/distributed.cc ${CMAKE_CURRENT_SOURCE_DIR}/native/distributed/distributed_reducer.cc)
# Their own flags keep them out of unity batches, and they parse their headers themselves: in a checkout
# they compile while the precompiled header is being made, on a core that would otherwise wait.
set_property(SOURCE ${GT_DIST_SOURCES} PROPERTY SKIP_UNITY_BUILD_INCLUSION ON)
set_property(SOURCE ${GT_DIST_SOURCES} PROPERTY SKIP_PRECOMPILE_HEADERS ON)
find_path(GT_C10D_INCLUDE_DIR torch/csrc/distributed/c10d/TCPStore.hpp HINTS ${TORCH_INCLUDE_DIRS})
find_path(GT_GLOO_INCLUDE_DIR gloo/algorithm.h HINTS ${TORCH_INCLUDE_DIRS} ENV GLOO_INCLUDE_DIR)
set(GT_DISTRIBUTED "")
# A header folder the compiler searches anyway (/usr/include) must not be added again: -I/usr/include
# breaks libstdc++'s #include_next.
function(gt_dist_include dir)
  if(NOT dir IN_LIST CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
    set_property(SOURCE ${GT_DIST_SOURCES} APPEND PROPERTY INCLUDE_DIRECTORIES ${dir})
  endif()
endfunction()
if(GT_C10D_INCLUDE_DIR AND GT_GLOO_INCLUDE_DIR)
  set_property(SOURCE ${GT_DIST_SOURCES} APPEND PROPERTY COMPILE_DEFINITIONS GT_WITH_GLOO=1 USE_C10D_GLOO=1)
  gt_dist_include(${GT_GLOO_INCLUDE_DIR})
  list(APPEND GT_DISTRIBUTED gloo)
endif()
if(GT_WITH_CUDA AND GT_C10D_INCLUDE_DIR)
  # pip's torch keeps nccl.h in the nvidia-nccl wheel beside it.
  find_path(GT_NCCL_INCLUDE_DIR nccl.h
    HINTS ${TORCH_INCLUDE_DIRS} ${CUDAToolkit_INCLUDE_DIRS} "${Torch_DIR}/../../../../nvidia/nccl/include"
    ENV NCCL_INCLUDE_DIR ENV NCCL_ROOT PATH_SUFFIXES include)
  if(GT_NCCL_INCLUDE_DIR AND EXISTS "${GT_C10D_INCLUDE_DIR}/torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp")
    set_property(SOURCE ${GT_DIST_SOURCES} APPEND PROPERTY COMPILE_DEFINITIONS GT_WITH_NCCL=1 USE_C10D_NCCL=1)
    gt_dist_include(${GT_NCCL_INCLUDE_DIR})
    list(APPEND GT_DISTRIBUTED nccl)
  endif()
endif()
if(GT_DISTRIBUTED)
  message(STATUS "gumbel-torch: distributed backends: ${GT_DISTRIBUTED}")
else()
  message(STATUS "gumbel-torch: distributed: none (gloo's headers not found: apt-get install libgloo-dev for Gloo)")
endif()
