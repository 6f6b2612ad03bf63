// LibTorch's AdamW, RMSprop and Adagrad, and our RAdam, behind one JS class (NativeOptimizer).
#pragma once
#include <napi.h>

namespace gt {
void initLibtorchOptimizers(Napi::Env env, Napi::Object exports);
}
