// nn.utils: gradient clipping and parameter <-> vector conversion, as PyTorch's torch.nn.utils.
#pragma once
#include <napi.h>

namespace gt {
void initNnUtils(Napi::Env env, Napi::Object exports);
}
