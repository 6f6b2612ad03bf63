"""Real PyTorch's side of the file-format tests (test/serialize*.test.ts).

  write DIR [small]   writes files as PyTorch users have them: an OrderedDict state_dict of the seed's model,
              every dtype, views sharing one storage, a Parameter, tuples, {'model': sd, ...}, and an
              Adam checkpoint with the parameters after one more step (the reference for our Adam).
              expected.json describes every tensor (dtype, shape, values).
  check DIR   reads the files gumbel-torch wrote into DIR (ours_*.pt) with torch.load, weights_only
              where the file holds no floats (torch 1.13's weights_only unpickler has no BINFLOAT),
              loads our Adam state into torch.optim.Adam, takes one step with gradient 1 and prints
              JSON with what it found.
"""
import collections
import json
import os
import sys

import torch
from torch import nn


def seed_model(latents=30, categories=10):
    # The seed's VAE_gumbel layers (names fc1..fc6), as in ../shared/reference/seed_vae.py.
    m = nn.Module()
    z = latents * categories
    for name, (i, o) in zip(['fc1', 'fc2', 'fc3', 'fc4', 'fc5', 'fc6'], [(784, 512), (512, 256), (256, z), (z, 256), (256, 512), (512, 784)]):
        setattr(m, name, nn.Linear(i, o))
    return m


def describe(t):
    return {'dtype': str(t.dtype).replace('torch.', ''), 'shape': list(t.shape), 'values': t.detach().double().flatten().tolist()}


def tiny_model():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))


def adam_args():
    return dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)


def write(d, small=False):
    os.makedirs(d, exist_ok=True)
    expected = {}
    torch.manual_seed(0)

    # 1. The most common file: torch.save(model.state_dict()) (an OrderedDict with _metadata);
    # 4.4 MB for the seed's model, so written live only ('small' leaves it out of the fixtures).
    if not small:
        sd = seed_model().state_dict()
        torch.save(sd, os.path.join(d, 'state_dict.pt'))
        expected['state_dict'] = {k: {'shape': list(v.shape), 'sum': v.double().sum().item()} for k, v in sd.items()}

    # 2. Every dtype gumbel-torch has, scalars, empties, non-contiguous views and shared storages.
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    tensors = collections.OrderedDict([
        ('float32', torch.randn(2, 3)),
        ('float64', torch.randn(3, dtype=torch.float64)),
        ('float16', torch.randn(4).half()),
        ('bfloat16', torch.randn(4).bfloat16()),
        ('int64', torch.tensor([-(2 ** 40), 0, 7])),
        ('int32', torch.tensor([-5, 6], dtype=torch.int32)),
        ('int16', torch.tensor([-300, 300], dtype=torch.int16)),
        ('int8', torch.tensor([-128, 127], dtype=torch.int8)),
        ('uint8', torch.tensor([0, 255], dtype=torch.uint8)),
        ('bool', torch.tensor([True, False, True])),
        ('scalar', torch.tensor(3.5)),
        ('empty', torch.zeros(0, 3)),
        ('base', base),
        ('row', base[1]),           # offset view of base's storage
        ('transposed', base.t()),   # strided view of the same storage
        ('column', base[:, 2]),
    ])
    torch.save(tensors, os.path.join(d, 'dtypes.pt'))
    torch.save(tensors, os.path.join(d, 'legacy.pt'), _use_new_zipfile_serialization=False)  # PyTorch < 1.6's format
    expected['dtypes'] = {k: describe(v) for k, v in tensors.items()}

    # 3. Containers: tuples, lists, a Parameter, nested dicts, plain values, {'model': sd}.
    p = nn.Parameter(torch.tensor([1.0, -2.0]))
    containers = {
        'model': tiny_model().state_dict(),
        'tuple': (1, 'two', None),
        'list': [True, False, [1, 2, (3,)]],
        'param': p,
        'int': 42, 'neg': -7, 'big': 2 ** 40, 'float': 0.25, 'str': 'héllo', 'none': None,
        'int_keys': {0: 'a', 1: 'b'},
    }
    torch.save(containers, os.path.join(d, 'containers.pt'))
    expected['containers'] = {'param': describe(p)}
    # The same without floats, which torch 1.13's weights_only loader also reads.
    torch.save({'model': tiny_model().state_dict(), 'step': 3}, os.path.join(d, 'model_only.pt'))

    # 4. Adam: three steps, the checkpoint, then one more step with gradient 1 (the reference).
    model = tiny_model()
    opt = torch.optim.Adam(model.parameters(), **adam_args())
    x = torch.randn(5, 3)
    for _ in range(3):
        opt.zero_grad()
        model(x).pow(2).sum().backward()
        opt.step()
    torch.save({'model': model.state_dict(), 'optimizer': opt.state_dict()}, os.path.join(d, 'adam.pt'))
    for q in model.parameters():
        q.grad = torch.ones_like(q)
    opt.step()
    expected['adam_after_step'] = {k: describe(v) for k, v in model.state_dict().items()}

    with open(os.path.join(d, 'expected.json'), 'w') as f:
        json.dump(expected, f)


def check(d):
    out = {}
    for name in sorted(os.listdir(d)):
        if not (name.startswith('ours_') and name.endswith('.pt')):
            continue
        path = os.path.join(d, name)
        r = {}
        try:
            obj = torch.load(path, weights_only=True)
            r['weights_only'] = True
        except Exception as e:  # floats: torch 1.13's weights_only loader lacks BINFLOAT
            r['weights_only'] = str(e)[:200]
            obj = torch.load(path)
        r['type'] = type(obj).__name__
        if isinstance(obj, dict):
            r['keys'] = [str(k) + ':' + type(k).__name__ for k in obj.keys()]
            r['tensors'] = {str(k): describe(v) for k, v in obj.items() if torch.is_tensor(v)}
            r['values'] = {str(k): v for k, v in obj.items() if isinstance(v, (int, float, str, bool, type(None), list, tuple))}
        if isinstance(obj, dict) and 'optimizer' in obj:
            model = tiny_model()
            model.load_state_dict(obj['model'])
            opt = torch.optim.Adam(model.parameters(), **adam_args())
            opt.load_state_dict(obj['optimizer'])
            r['adam_steps'] = [float(s['step']) for s in opt.state.values()]
            for q in model.parameters():
                q.grad = torch.ones_like(q)
            opt.step()
            r['adam_after_step'] = {k: describe(v) for k, v in model.state_dict().items()}
        out[name] = r
    print(json.dumps(out))


if __name__ == '__main__':
    if sys.argv[1] == 'write':
        write(sys.argv[2], small=sys.argv[3:] == ['small'])
    else:
        check(sys.argv[2])
