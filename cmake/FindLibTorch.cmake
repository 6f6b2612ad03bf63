# The one LibTorch search of gumbel-torch. scripts/install.js does not search: it runs CMake and reads
# what this module decided (build/torch-info.json, or build/torch-missing.json when nothing was found).
# First match wins:
#   1. LIBTORCH             a LibTorch folder (-D or environment)
#   2. Torch_DIR / CMAKE_PREFIX_PATH (-D or environment)
#   3. the CMake prefix of an importable Python torch (python3, then python)
#   4. the system's CMake config (Debian: libtorch-dev)
# Sets GT_TORCH_FOUND_VIA to say which step found it.
set(GT_TORCH_FOUND_VIA "")
set(GT_TORCH_TRIED "")
file(REMOVE "${CMAKE_BINARY_DIR}/torch-missing.json")
if(NOT DEFINED LIBTORCH AND DEFINED ENV{LIBTORCH})
  set(LIBTORCH $ENV{LIBTORCH})
endif()

# 1. LIBTORCH. A Torch_DIR cached from an earlier search elsewhere must not shadow it.
if(LIBTORCH)
  if(Torch_DIR AND NOT Torch_DIR MATCHES "^${LIBTORCH}")
    unset(Torch_DIR CACHE)
  endif()
  # Not QUIET: when a LibTorch is named explicitly, its own configuration errors must show.
  find_package(Torch PATHS "${LIBTORCH}" "${LIBTORCH}/share/cmake/Torch" NO_DEFAULT_PATH)
  if(NOT Torch_FOUND)
    message(FATAL_ERROR "gumbel-torch: LIBTORCH=${LIBTORCH} holds no LibTorch (expected ${LIBTORCH}/share/cmake/Torch/TorchConfig.cmake)")
  endif()
  set(GT_TORCH_FOUND_VIA "LIBTORCH")
endif()

# A reconfigure finds Torch_DIR in the cache; report how it was found the first time.
if(NOT Torch_FOUND AND DEFINED GT_TORCH_CACHED_DIR AND Torch_DIR STREQUAL GT_TORCH_CACHED_DIR AND NOT DEFINED ENV{Torch_DIR})
  find_package(Torch QUIET PATHS "${Torch_DIR}" NO_DEFAULT_PATH)
  if(Torch_FOUND)
    set(GT_TORCH_FOUND_VIA "${GT_TORCH_CACHED_VIA}")
  endif()
endif()

# 2. Torch_DIR / CMAKE_PREFIX_PATH.
if(NOT Torch_FOUND AND (DEFINED ENV{Torch_DIR} OR Torch_DIR OR DEFINED ENV{CMAKE_PREFIX_PATH} OR CMAKE_PREFIX_PATH))
  if(DEFINED ENV{Torch_DIR} AND NOT Torch_DIR)
    set(Torch_DIR $ENV{Torch_DIR} CACHE PATH "" FORCE)
  endif()
  list(APPEND GT_TORCH_TRIED "Torch_DIR/CMAKE_PREFIX_PATH")
  find_package(Torch NO_SYSTEM_ENVIRONMENT_PATH NO_CMAKE_SYSTEM_PATH)
  if(Torch_FOUND)
    set(GT_TORCH_FOUND_VIA "Torch_DIR/CMAKE_PREFIX_PATH")
  endif()
endif()

# 3. An importable Python torch.
if(NOT Torch_FOUND)
  foreach(GT_PY_NAME python3 python)
    find_program(GT_PYTHON_${GT_PY_NAME} NAMES ${GT_PY_NAME})
    set(GT_PYTHON "${GT_PYTHON_${GT_PY_NAME}}")
    if(NOT GT_PYTHON OR Torch_FOUND)
      continue()
    endif()
    list(APPEND GT_TORCH_TRIED "python torch (${GT_PYTHON})")
    execute_process(COMMAND ${GT_PYTHON} -c "import torch, sys; sys.stdout.write(torch.utils.cmake_prefix_path)"
      OUTPUT_VARIABLE GT_PY_TORCH_PREFIX RESULT_VARIABLE GT_PY_RC ERROR_QUIET)
    if(GT_PY_RC EQUAL 0 AND EXISTS "${GT_PY_TORCH_PREFIX}/Torch/TorchConfig.cmake")
      find_package(Torch PATHS "${GT_PY_TORCH_PREFIX}" NO_DEFAULT_PATH)
      if(Torch_FOUND)
        set(GT_TORCH_FOUND_VIA "python torch (${GT_PYTHON})")
      endif()
    endif()
  endforeach()
endif()

# 4. The system's package.
if(NOT Torch_FOUND)
  list(APPEND GT_TORCH_TRIED "system")
  find_package(Torch QUIET)
  if(Torch_FOUND)
    set(GT_TORCH_FOUND_VIA "system")
  endif()
endif()

if(NOT Torch_FOUND)
  # install.js reads this to offer (or, as root on Debian, run) the system package install.
  string(REPLACE ";" "\", \"" GT_TRIED_JSON "${GT_TORCH_TRIED}")
  file(WRITE "${CMAKE_BINARY_DIR}/torch-missing.json" "{\"tried\":[\"${GT_TRIED_JSON}\"]}\n")
  message(FATAL_ERROR "gumbel-torch: LibTorch not found (tried: ${GT_TORCH_TRIED}). On Debian/Ubuntu: "
    "apt-get install --no-install-recommends libtorch-dev libopenblas0-pthread; "
    "otherwise set LIBTORCH to a LibTorch folder, or Torch_DIR to the folder holding TorchConfig.cmake.")
endif()
set(GT_TORCH_CACHED_DIR "${Torch_DIR}" CACHE INTERNAL "")
set(GT_TORCH_CACHED_VIA "${GT_TORCH_FOUND_VIA}" CACHE INTERNAL "")
if(NOT Torch_VERSION)
  set(Torch_VERSION "unknown")
endif()
