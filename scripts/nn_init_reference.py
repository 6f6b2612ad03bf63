#!/usr/bin/python3
"""nn.init's draws from real PyTorch for test/nn-init.test.ts, run live (the same CPU: orthogonal_ goes
through LAPACK's QR). Prints JSON: for each case the seed, the shape, the call and the flattened result."""
import json
import torch
from torch import nn


def flat(t):
    return t.detach().reshape(-1).tolist()


CASES = [
    # name, seed, shape, dtype, init
    ('kaimingUniform default', 3, (7, 5), torch.float32, lambda w: nn.init.kaiming_uniform_(w)),
    ('kaimingUniform a fanOut relu', 4, (6, 4, 3), torch.float32, lambda w: nn.init.kaiming_uniform_(w, a=0.2, mode='fan_out', nonlinearity='relu')),
    ('kaimingUniform leakyRelu a', 5, (5, 3, 2, 2), torch.float64, lambda w: nn.init.kaiming_uniform_(w, a=0.3)),
    ('kaimingNormal default', 6, (8, 3), torch.float32, lambda w: nn.init.kaiming_normal_(w)),
    ('kaimingNormal fanOut tanh', 7, (4, 6, 3), torch.float64, lambda w: nn.init.kaiming_normal_(w, mode='fan_out', nonlinearity='tanh')),
    ('orthogonal tall', 8, (7, 4), torch.float64, lambda w: nn.init.orthogonal_(w)),
    ('orthogonal wide gain', 9, (3, 6), torch.float32, lambda w: nn.init.orthogonal_(w, gain=1.7)),
    ('orthogonal conv', 10, (4, 2, 3), torch.float64, lambda w: nn.init.orthogonal_(w, gain=0.5)),
    ('truncNormal default', 11, (50,), torch.float32, lambda w: nn.init.trunc_normal_(w)),
    ('truncNormal mean std a b', 12, (6, 7), torch.float64, lambda w: nn.init.trunc_normal_(w, mean=0.5, std=2.0, a=-1.0, b=3.0)),
]


def main():
    res = {}
    for name, seed, shape, dtype, init in CASES:
        torch.manual_seed(seed)
        w = torch.empty(*shape, dtype=dtype)
        init(w)
        res[name] = {'seed': seed, 'shape': list(shape), 'dtype': str(dtype).replace('torch.', ''), 'values': flat(w)}
    res['gains'] = {
        'linear': nn.init.calculate_gain('linear'), 'conv_transpose2d': nn.init.calculate_gain('conv_transpose2d'),
        'sigmoid': nn.init.calculate_gain('sigmoid'), 'tanh': nn.init.calculate_gain('tanh'), 'relu': nn.init.calculate_gain('relu'),
        'leaky_relu': nn.init.calculate_gain('leaky_relu'), 'leaky_relu 0.2': nn.init.calculate_gain('leaky_relu', 0.2),
        'selu': nn.init.calculate_gain('selu'),
    }
    print(json.dumps(res))


if __name__ == '__main__':
    main()
