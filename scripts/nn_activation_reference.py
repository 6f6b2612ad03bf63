#!/usr/bin/python3
"""Activation modules with PyTorch's defaults and with options, on a fixed input (no random draws), for
test/nn-activation.test.ts (run live). Prints JSON: name -> {'y': values, 'dx': gradient of sum(y * w)}."""
import json
import warnings
import torch
from torch import nn

MODULES = {
    'ReLU': nn.ReLU(), 'Sigmoid': nn.Sigmoid(), 'Tanh': nn.Tanh(), 'ELU': nn.ELU(), 'ELU alpha': nn.ELU(alpha=0.4),
    'CELU': nn.CELU(), 'CELU alpha': nn.CELU(alpha=2.5), 'SELU': nn.SELU(), 'LeakyReLU': nn.LeakyReLU(),
    'LeakyReLU negativeSlope': nn.LeakyReLU(negative_slope=0.3), 'GELU': nn.GELU(), 'GELU tanh': nn.GELU(approximate='tanh'),
    'SiLU': nn.SiLU(), 'Mish': nn.Mish(), 'Softplus': nn.Softplus(), 'Softplus beta threshold': nn.Softplus(beta=2, threshold=3),
    'LogSigmoid': nn.LogSigmoid(), 'Hardtanh': nn.Hardtanh(), 'Hardtanh minVal maxVal': nn.Hardtanh(min_val=-0.5, max_val=2.5),
    'Hardsigmoid': nn.Hardsigmoid(), 'Hardswish': nn.Hardswish(), 'ReLU6': nn.ReLU6(), 'Softmax 1': nn.Softmax(dim=1),
    'Softmax -1': nn.Softmax(dim=-1), 'LogSoftmax 0': nn.LogSoftmax(dim=0), 'Softmax implicit': nn.Softmax(), 'LogSoftmax implicit': nn.LogSoftmax(),
}


def main():
    warnings.simplefilter("ignore")  # the implicit-dim cases warn, as ours do
    x0 = torch.linspace(-7, 7, 24, dtype=torch.float64).reshape(2, 3, 4) + 0.01
    w = torch.linspace(-1, 1, 24, dtype=torch.float64).reshape(2, 3, 4)
    res = {}
    for name, m in MODULES.items():
        x = x0.clone().requires_grad_()
        y = m(x)
        (y * w).sum().backward()
        res[name] = {'y': y.detach().reshape(-1).tolist(), 'dx': x.grad.reshape(-1).tolist()}
    print(json.dumps(res))


if __name__ == '__main__':
    main()
