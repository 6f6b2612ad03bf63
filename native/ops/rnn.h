// nn.RNN, nn.GRU, nn.LSTM and their cells on ATen's own kernels (rnn.cc).
#pragma once
#include <napi.h>

namespace gt {
void initRnn(Napi::Env env, Napi::Object exports);
}
