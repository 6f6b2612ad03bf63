// nn.RNN, nn.GRU, nn.LSTM and their cells: the ATen functions torch.nn's modules call through _VF
// (at::gru / at::lstm / at::rnn_tanh / at::rnn_relu over the flat weight list, at::*_cell), so the
// arithmetic, the autograd graph and the dropout draws are PyTorch's own. Shapes and dtypes are
// checked in TypeScript (lib/nn/rnn.ts) first, with the module's name.
#include "rnn.h"
#include "binding/tensor.h"

namespace gt {
namespace {

c10::optional<at::Tensor> opt(const std::optional<at::Tensor>& t) { return t ? c10::optional<at::Tensor>(*t) : c10::nullopt; }

}  // namespace

void initRnn(Napi::Env env, Napi::Object x) {
  // rnn(mode, input, hx: [h0] or [h0, c0], flatWeights, hasBiases, numLayers, dropout, train, bidirectional,
  //     batchFirst) -> [output, hN] or [output, hN, cN]
  GT_DEF(x, "rnn", {
    const std::string mode = a.str(0);
    const at::Tensor input = a.tensor(1);
    const std::vector<at::Tensor> hx = a.tensors(2), params = a.tensors(3);
    const bool hasBiases = a.flag(4), train = a.flag(7), bidirectional = a.flag(8), batchFirst = a.flag(9);
    const int64_t numLayers = a.i64(5);
    const double dropout = a.f64(6);
    if (mode == "lstm") {
      if (hx.size() != 2) throw ArgError("lstm: hx must be [h0, c0]");
      auto r = at::lstm(input, hx, params, hasBiases, numLayers, dropout, train, bidirectional, batchFirst);
      return std::vector<at::Tensor>{std::get<0>(r), std::get<1>(r), std::get<2>(r)};
    }
    if (hx.size() != 1) throw ArgError(mode + ": hx must be [h0]");
    std::tuple<at::Tensor, at::Tensor> r;
    if (mode == "gru")
      r = at::gru(input, hx[0], params, hasBiases, numLayers, dropout, train, bidirectional, batchFirst);
    else if (mode == "rnn_tanh")
      r = at::rnn_tanh(input, hx[0], params, hasBiases, numLayers, dropout, train, bidirectional, batchFirst);
    else if (mode == "rnn_relu")
      r = at::rnn_relu(input, hx[0], params, hasBiases, numLayers, dropout, train, bidirectional, batchFirst);
    else
      throw ArgError("unknown recurrent mode '" + mode + "'");
    return std::vector<at::Tensor>{std::get<0>(r), std::get<1>(r)};
  });
  // rnnCell(mode, input, hx: [h] or [h, c], wIh, wHh, bIh?, bHh?) -> [h'] or [h', c']
  GT_DEF(x, "rnnCell", {
    const std::string mode = a.str(0);
    const at::Tensor input = a.tensor(1);
    const std::vector<at::Tensor> hx = a.tensors(2);
    const at::Tensor wIh = a.tensor(3), wHh = a.tensor(4);
    const auto bIh = opt(a.optTensor(5)), bHh = opt(a.optTensor(6));
    if (mode == "lstm") {
      if (hx.size() != 2) throw ArgError("lstm_cell: hx must be [h, c]");
      auto r = at::lstm_cell(input, hx, wIh, wHh, bIh, bHh);
      return std::vector<at::Tensor>{std::get<0>(r), std::get<1>(r)};
    }
    if (hx.size() != 1) throw ArgError(mode + "_cell: hx must be [h]");
    if (mode == "gru") return std::vector<at::Tensor>{at::gru_cell(input, hx[0], wIh, wHh, bIh, bHh)};
    if (mode == "rnn_tanh") return std::vector<at::Tensor>{at::rnn_tanh_cell(input, hx[0], wIh, wHh, bIh, bHh)};
    if (mode == "rnn_relu") return std::vector<at::Tensor>{at::rnn_relu_cell(input, hx[0], wIh, wHh, bIh, bHh)};
    throw ArgError("unknown recurrent mode '" + mode + "'");
  });
}

}  // namespace gt
