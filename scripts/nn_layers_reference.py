"""PyTorch's BatchNorm1d/2d, Conv2d, ConvTranspose2d, MaxPool2d, ELU and nn.init.xavier_normal_ on seeded
inputs, for test/nn-layers.test.ts.

Writes JSON to stdout: every case's outputs, input gradients, parameter gradients and running statistics.
Inputs come from torch.manual_seed + randn, which gumbel-torch draws identically.
"""
import json

import torch
import torch.nn as nn
import torch.nn.functional as F


def flat(t):
    return t.detach().double().reshape(-1).tolist()


def batchnorm_case(shape, momentum, steps):
    torch.manual_seed(0)
    bn = (nn.BatchNorm2d if len(shape) == 4 else nn.BatchNorm1d)(shape[1], momentum=momentum)
    with torch.no_grad():
        bn.weight.copy_(torch.randn(shape[1]))
        bn.bias.copy_(torch.randn(shape[1]))
    out = {}
    for s in range(steps):
        x = (torch.randn(*shape) * 3 + 1).requires_grad_()
        y = bn(x)
        w = torch.randn(*shape)
        (y * w).sum().backward()
        out[f'y{s}'] = flat(y)
        out[f'dx{s}'] = flat(x.grad)
    out['dweight'] = flat(bn.weight.grad)
    out['dbias'] = flat(bn.bias.grad)
    out['running_mean'] = flat(bn.running_mean)
    out['running_var'] = flat(bn.running_var)
    out['num_batches_tracked'] = int(bn.num_batches_tracked)
    bn.eval()
    x = torch.randn(*shape)
    out['eval'] = flat(bn(x))
    out['keys'] = list(bn.state_dict().keys())
    return out


def conv_case(cls, args, kwargs, shape):
    # Construction draws the weights (kaiming_uniform_ then the bias) from the seeded generator.
    torch.manual_seed(3)
    m = cls(*args, **kwargs)
    x = torch.randn(*shape).requires_grad_()
    y = m(x)
    w = torch.randn(*y.shape)
    (y * w).sum().backward()
    out = {'weight': flat(m.weight), 'y': flat(y), 'dx': flat(x.grad), 'dweight': flat(m.weight.grad), 'keys': list(m.state_dict().keys())}
    if m.bias is not None:
        out['bias'] = flat(m.bias)
        out['dbias'] = flat(m.bias.grad)
    return out


def main():
    res = {
        'bn2d': batchnorm_case([8, 3], 0.1, 3),
        'bn3d': batchnorm_case([4, 5, 6], None, 3),
        'bn4d': batchnorm_case([3, 4, 5, 2], 0.3, 3),
        'conv2d': conv_case(nn.Conv2d, (3, 5, 3), {'stride': 2, 'padding': 1}, [2, 3, 9, 8]),
        'conv2dgroups': conv_case(nn.Conv2d, (4, 6, (3, 2)), {'groups': 2, 'dilation': (2, 1), 'bias': False}, [2, 4, 9, 8]),
        'convt2d': conv_case(nn.ConvTranspose2d, (3, 2, 3), {'stride': 2, 'padding': 1, 'output_padding': 1}, [2, 3, 5, 4]),
        'conv1d': conv_case(nn.Conv1d, (3, 4, 5), {'padding': 2}, [2, 3, 11]),
    }
    torch.manual_seed(4)
    x = torch.randn(2, 3, 7, 6, dtype=torch.float64).requires_grad_()
    y = nn.MaxPool2d(3, stride=2, padding=1)(x)
    y.sum().backward()
    res['maxpool'] = {'y': flat(y), 'dx': flat(x.grad)}
    torch.manual_seed(1)
    x = (torch.randn(50) * 3).double().requires_grad_()
    y = F.elu(x, 0.7)
    y.sum().backward()
    res['elu'] = {'y': flat(y), 'dx': flat(x.grad)}
    torch.manual_seed(2)
    w = torch.empty(7, 5)
    nn.init.xavier_normal_(w, gain=1.3)
    res['xavier'] = flat(w)
    print(json.dumps(res))


if __name__ == '__main__':
    main()
