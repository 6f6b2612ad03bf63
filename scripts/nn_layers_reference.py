"""PyTorch's BatchNorm1d/2d, Conv2d (padding modes, 'same'/'valid'), ConvTranspose2d, MaxPool2d, ELU,
LayerNorm, GroupNorm, Dropout/Dropout2d, Embedding and nn.init.xavier_normal_ on seeded inputs, for
test/nn-layers.test.ts.

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


def affine_norm_case(make, shape):
    # weight and bias drawn after construction, so the affine part is not the identity
    torch.manual_seed(5)
    m = make()
    if getattr(m, 'weight', None) is not None:
        with torch.no_grad():
            m.weight.copy_(torch.randn(*m.weight.shape))
            m.bias.copy_(torch.randn(*m.bias.shape))
    x = (torch.randn(*shape) * 2 + 0.5).requires_grad_()
    y = m(x)
    (y * torch.randn(*y.shape)).sum().backward()
    out = {'y': flat(y), 'dx': flat(x.grad), 'keys': list(m.state_dict().keys())}
    if getattr(m, 'weight', None) is not None:
        out['dweight'] = flat(m.weight.grad)
        out['dbias'] = flat(m.bias.grad)
    return out


def dropout_case(m, shape):
    torch.manual_seed(6)
    x = torch.randn(*shape).requires_grad_()
    y = m(x)
    y.sum().backward()
    m.eval()
    return {'y': flat(y), 'dx': flat(x.grad), 'eval': flat(m(x))}


def embedding_case(kwargs, idx):
    torch.manual_seed(7)
    m = nn.Embedding(10, 4, **kwargs)
    w0 = flat(m.weight)
    i = torch.tensor(idx)
    y = m(i)
    (y * torch.randn(*y.shape)).sum().backward()
    return {'weight0': w0, 'y': flat(y), 'dweight': flat(m.weight.grad), 'weight1': flat(m.weight)}


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
    for mode in ['zeros', 'reflect', 'replicate', 'circular']:
        res[f'conv2d_{mode}'] = conv_case(nn.Conv2d, (3, 4, 3), {'padding': (1, 2), 'padding_mode': mode, 'stride': (2, 1)}, [2, 3, 7, 6])
        res[f'conv2d_same_{mode}'] = conv_case(nn.Conv2d, (3, 4, (4, 3)), {'padding': 'same', 'padding_mode': mode, 'dilation': (1, 2)}, [2, 3, 7, 6])
        res[f'conv1d_same_{mode}'] = conv_case(nn.Conv1d, (2, 3, 4), {'padding': 'same', 'padding_mode': mode}, [2, 2, 9])
    res['conv2d_valid'] = conv_case(nn.Conv2d, (3, 4, 3), {'padding': 'valid'}, [2, 3, 7, 6])
    res['conv2d_same_unbatched'] = conv_case(nn.Conv2d, (3, 4, 2), {'padding': 'same', 'padding_mode': 'reflect'}, [3, 5, 6])
    res['layernorm'] = affine_norm_case(lambda: nn.LayerNorm([3, 4]), [2, 5, 3, 4])
    res['layernorm_plain'] = affine_norm_case(lambda: nn.LayerNorm(6, eps=1e-3, elementwise_affine=False), [4, 6])
    res['groupnorm'] = affine_norm_case(lambda: nn.GroupNorm(3, 6), [2, 6, 4, 3])
    res['groupnorm_plain'] = affine_norm_case(lambda: nn.GroupNorm(2, 4, eps=1e-3, affine=False), [3, 4, 5])
    res['dropout'] = dropout_case(nn.Dropout(0.3), [4, 50])
    res['dropout2d'] = dropout_case(nn.Dropout2d(0.4), [3, 8, 4, 4])
    res['embedding'] = embedding_case({}, [[1, 2, 2], [9, 0, 3]])
    res['embedding_pad'] = embedding_case({'padding_idx': -2}, [[8, 2, 8], [9, 0, 8]])
    res['embedding_maxnorm'] = embedding_case({'padding_idx': 1, 'max_norm': 1.5, 'norm_type': 3.0}, [[1, 2, 2], [9, 0, 5]])
    res['embedding_freq'] = embedding_case({'scale_grad_by_freq': True}, [[1, 2, 2], [2, 0, 2]])
    torch.manual_seed(8)
    e = nn.Embedding.from_pretrained(torch.randn(5, 3), freeze=False, padding_idx=2)
    i = torch.tensor([2, 4, 2])
    y = e(i)
    (y * torch.randn(*y.shape)).sum().backward()
    res['from_pretrained'] = {'y': flat(y), 'dweight': flat(e.weight.grad)}
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
