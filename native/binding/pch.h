// The headers nearly every translation unit needs, compiled once per build (CMake's
// target_precompile_headers, C++ sources only). Parsing them costs ~20 s per file; torch/torch.h
// would add the whole C++ frontend (nn, data, jit) that we do not use.
#pragma once
#include <napi.h>
#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/types.h>
#include <torch/utils.h>
#include <optional>
#include <string>
#include <tuple>
#include <vector>
