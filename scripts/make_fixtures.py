#!/usr/bin/python3
"""Writes the parity fixtures in test/fixtures/ from real PyTorch.

Run with Debian's torch:  /usr/bin/python3 scripts/make_fixtures.py   (or: npm run fixtures)
Every number the parity tests compare against comes from this script.
`make_fixtures.py --out DIR ops promotion` writes only those sections into DIR: the tests do that
live for results through BLAS, which depend on the CPU.
"""
import json, math, os, sys
import torch
import torch.nn.functional as F
from torch.distributions import RelaxedOneHotCategorical, RelaxedBernoulli, OneHotCategorical
from torch.distributions.relaxed_categorical import ExpRelaxedCategorical

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures')
DT = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64', torch.bool: 'bool'}


def enc(t):
    t = t.detach()
    vals = t.reshape(-1).tolist()
    vals = [v if not isinstance(v, float) or math.isfinite(v) else repr(v) for v in vals]
    return {'shape': list(t.shape), 'dtype': DT[t.dtype], 'values': vals}


def dump(name, obj):
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump({'torch': torch.__version__, 'generator': 'scripts/make_fixtures.py', **obj}, f)
    print('wrote', name)


# ---- seeded generators: the same seed must give the same numbers in LibTorch
def rng():
    cases = []
    for seed in [0, 1, 1234]:
        torch.manual_seed(seed)
        cases.append({'seed': seed, 'rand': enc(torch.rand(3, 4)), 'randn': enc(torch.randn(5)),
                      'randperm': enc(torch.randperm(10)), 'randint': enc(torch.randint(0, 10, (6,))),
                      'rand64': enc(torch.rand(4, dtype=torch.float64))})
    dump('rng.json', {'cases': cases})


# ---- ops: forward values and gradients of sum(out * w) for a fixed w
def ops():
    torch.manual_seed(42)
    cases = []

    def case(name, fn, inputs, grad=True, **params):
        ins = [x.clone().requires_grad_(grad and x.is_floating_point()) for x in inputs]
        out = fn(*ins)
        entry = {'op': name, 'params': params, 'inputs': [enc(x) for x in inputs]}
        outs = out if isinstance(out, (tuple, list)) else [out]
        entry['outputs'] = [enc(o) for o in outs]
        if grad and outs[0].is_floating_point() and outs[0].requires_grad:
            w = torch.linspace(-1, 1, outs[0].numel(), dtype=outs[0].dtype).reshape(outs[0].shape)
            (outs[0] * w).sum().backward()
            entry['grads'] = [enc(x.grad) if x.grad is not None else None for x in ins]
        cases.append(entry)

    a, b = torch.randn(3, 4), torch.randn(3, 4)
    pos = torch.rand(3, 4) + 0.1
    row = torch.randn(4)
    m1, m2, bias = torch.randn(3, 5), torch.randn(5, 4), torch.randn(4)
    case('add', lambda x, y: x.add(y, alpha=2), [a, row])
    case('sub', lambda x, y: x - y, [a, b])
    case('mul', lambda x, y: x * y, [a, b])
    case('div', lambda x, y: x / y, [a, pos])
    case('pow', lambda x, y: x.pow(y), [pos, b])
    case('powScalar', lambda x: x.pow(3), [a])
    case('addScalar', lambda x: x + 2.5, [a])
    case('mulScalar', lambda x: x * -1.5, [a])
    case('neg', lambda x: -x, [a])
    case('matmul', lambda x, y: x @ y, [m1, m2])
    case('addmm', lambda i, x, y: torch.addmm(i, x, y, beta=0.5, alpha=2), [bias, m1, m2])
    case('linear', lambda x, w, bb: F.linear(x, w, bb), [m1, torch.randn(4, 5), bias])
    for f in ['exp', 'sigmoid', 'tanh', 'relu', 'abs']:
        case(f, getattr(torch, f), [a])
    for f in ['log', 'log1p', 'sqrt']:
        case(f, getattr(torch, f), [pos])
    case('clamp', lambda x: x.clamp(-0.5, 0.7), [a])
    case('softmax', lambda x: x.softmax(0), [a], dim=0)
    case('logSoftmax', lambda x: x.log_softmax(-1), [a], dim=-1)
    case('sumAll', lambda x: x.sum(), [a])
    case('sumDim', lambda x: x.sum(1, keepdim=True), [a], dim=1, keepdim=True)
    case('meanDim', lambda x: x.mean(0), [a], dim=0)
    case('maxDim', lambda x: x.max(1), [a], dim=1)
    case('argmax', lambda x: x.argmax(1), [a], grad=False, dim=1)
    case('bceMean', lambda x, t: F.binary_cross_entropy(x, t), [torch.rand(3, 4) * 0.9 + 0.05, torch.rand(3, 4)])
    case('bceSum', lambda x, t: F.binary_cross_entropy(x, t, reduction='sum'), [torch.rand(3, 4) * 0.9 + 0.05, torch.rand(3, 4)])
    case('bceNone', lambda x, t: F.binary_cross_entropy(x, t, reduction='none'), [torch.rand(3, 4) * 0.9 + 0.05, torch.rand(3, 4)])
    case('where', lambda c, x, y: torch.where(c, x, y), [a > 0, a, b])
    case('cat', lambda x, y: torch.cat([x, y], 1), [a, b], dim=1)
    case('stack', lambda x, y: torch.stack([x, y], 0), [a, b], dim=0)
    case('gather', lambda x, i: x.gather(1, i), [a, torch.tensor([[0, 3], [1, 1], [2, 0]])], dim=1)
    case('indexSelect', lambda x, i: x.index_select(1, i), [a, torch.tensor([3, 0])], dim=1)
    case('narrow', lambda x: x.narrow(1, 1, 2), [a])
    case('transpose', lambda x: x.transpose(0, 1).contiguous().view(-1), [a])
    case('permute', lambda x: x.permute(2, 0, 1), [torch.randn(2, 3, 4)])
    case('oneHot', lambda i: F.one_hot(i, 5), [torch.tensor([0, 4, 2])], grad=False)
    case('scatter', lambda x, i: x.scatter(1, i, 1.0), [torch.zeros(3, 4), torch.tensor([[1], [3], [0]])], grad=False)
    case('comparisons', lambda x, y: (x < y, x >= y, x == x, x.ne(y)), [a, b], grad=False)
    case('float64Chain', lambda x: (x.exp() + 1).log().softmax(-1), [a.double()])
    dump('ops.json', {'cases': cases})


# ---- Gumbel-Softmax given PyTorch's own noise
def gumbel():
    cases = []
    torch.manual_seed(7)
    shapes = [((4, 10), -1), ((2, 3, 5), 1), ((6, 7), 0), ((3, 4, 6), -1)]
    seed = 100
    for dtype in [torch.float32, torch.float64]:
        for shape, dim in shapes:
            logits0 = (torch.randn(*shape, dtype=dtype) * 2)
            w = torch.randn(*shape, dtype=dtype)
            for tau in [0.1, 0.5, 1.0, 5.0]:
                for hard in [False, True]:
                    seed += 1
                    # F.gumbel_softmax draws -empty_like(logits).exponential_().log(); reseeding gives that noise.
                    torch.manual_seed(seed)
                    g = -torch.empty_like(logits0).exponential_().log()
                    torch.manual_seed(seed)
                    logits = logits0.clone().requires_grad_()
                    y = F.gumbel_softmax(logits, tau=tau, hard=hard, dim=dim)
                    (y * w).sum().backward()
                    cases.append({'dtype': DT[dtype], 'dim': dim, 'tau': tau, 'hard': hard, 'logits': enc(logits0),
                                  'noise': enc(g), 'w': enc(w), 'y': enc(y), 'grad': enc(logits.grad)})
    # masked categories: -inf logits
    logits0 = torch.tensor([[0.5, float('-inf'), 1.0, -0.3], [float('-inf'), 2.0, 0.0, float('-inf')]])
    torch.manual_seed(5)
    g = -torch.empty_like(logits0).exponential_().log()
    logits = logits0.clone().requires_grad_()
    torch.manual_seed(5)
    y = F.gumbel_softmax(logits, tau=0.5, hard=False)
    w = torch.arange(8.0).reshape(2, 4)
    (y * w).sum().backward()
    masked = {'logits': enc(logits0), 'noise': enc(g), 'w': enc(w), 'y': enc(y), 'grad': enc(logits.grad), 'tau': 0.5}

    # the seed's formula on given uniforms
    torch.manual_seed(3)
    u = torch.rand(1000)
    u[0] = 0.0
    seedNoise = {'u': enc(u), 'g': enc(-torch.log(-torch.log(u + 1e-20) + 1e-20))}

    # OneHotCategorical.sample() for a seed (multinomial path)
    torch.manual_seed(11)
    ohl = torch.randn(5, 3, 6)
    torch.manual_seed(12)
    oh = OneHotCategorical(logits=ohl).sample()
    onehot = {'logits': enc(ohl), 'seed': 12, 'sample': enc(oh)}

    # RelaxedBernoulli.rsample() for a seed, and its uniforms
    torch.manual_seed(13)
    bl = torch.randn(4, 5)
    bern = []
    for tau in [0.1, 0.5, 1.0, 5.0]:
        torch.manual_seed(14)
        u = torch.rand(4, 5)
        torch.manual_seed(14)
        logits = bl.clone().requires_grad_()
        y = RelaxedBernoulli(torch.tensor(tau), logits=logits).rsample()
        w = torch.linspace(-1, 1, 20).reshape(4, 5)
        (y * w).sum().backward()
        bern.append({'tau': tau, 'logits': enc(bl), 'uniforms': enc(u), 'w': enc(w), 'y': enc(y), 'grad': enc(logits.grad)})
    dump('gumbel.json', {'cases': cases, 'masked': masked, 'seedNoise': seedNoise, 'oneHot': onehot, 'bernoulli': bern})


# ---- densities
def densities():
    out = []
    torch.manual_seed(21)
    for dtype in [torch.float32, torch.float64]:
        logits = torch.randn(6, 5, dtype=dtype)
        for tau in [0.5, 1.0, 2.0]:
            t = torch.tensor(tau, dtype=dtype)
            d = RelaxedOneHotCategorical(t, logits=logits)
            y = d.rsample()
            ed = ExpRelaxedCategorical(t, logits=logits)
            ly = ed.rsample()
            bl = torch.randn(7, dtype=dtype)
            bd = RelaxedBernoulli(t, logits=bl)
            by = bd.rsample()
            out.append({'dtype': DT[dtype], 'tau': tau, 'logits': enc(logits), 'y': enc(y), 'logProbRelaxed': enc(d.log_prob(y)),
                        'logY': enc(ly), 'logProbExp': enc(ed.log_prob(ly)), 'bLogits': enc(bl), 'by': enc(by),
                        'logProbBernoulli': enc(bd.log_prob(by))})
    # at low temperature PyTorch's relaxed one-hot density has NaN where y underflows
    logits = torch.tensor([[0.0, 3.0, -2.0]])
    y = torch.tensor([[0.0, 1.0, 0.0]])
    low = {'logits': enc(logits), 'y': enc(y), 'tau': 0.01,
           'pytorch': enc(RelaxedOneHotCategorical(torch.tensor(0.01), logits=logits).log_prob(y))}
    dump('densities.json', {'cases': out, 'lowTemperature': low})


# ---- type promotion with Python-number operands (wrapped numbers), result dtypes and values
def promotion():
    names = {torch.float32: 'float32', torch.float64: 'float64', torch.float16: 'float16', torch.bfloat16: 'bfloat16',
             torch.int64: 'int64', torch.int32: 'int32', torch.int16: 'int16', torch.int8: 'int8', torch.uint8: 'uint8',
             torch.bool: 'bool'}
    cond = torch.tensor([True, False, True])
    ops = {
        'add': lambda t, s: t + s, 'sub': lambda t, s: t - s, 'mul': lambda t, s: t * s, 'div': lambda t, s: t / s,
        'rsub': lambda t, s: s - t, 'pow': lambda t, s: t ** s, 'eq': lambda t, s: t == s, 'lt': lambda t, s: t < s,
        'ge': lambda t, s: t >= s, 'whereOther': lambda t, s: torch.where(cond, t, s),
        'whereInput': lambda t, s: torch.where(cond, s, t), 'add_': lambda t, s: t.add_(s), 'mul_': lambda t, s: t.mul_(s),
    }
    # Integral scalars are ints, the others floats: JS numbers read the same way (2 is an int, 1.5 a float).
    scalars = [2, -3, 300, 1.5, -0.25, True]
    cases = []
    for dt, name in names.items():
        base = torch.tensor([0, 1, 2]).to(dt)
        for op, fn in ops.items():
            for s in scalars:
                case = {'dtype': name, 'op': op, 'scalar': s, 'input': [v if not isinstance(v, bool) else v for v in base.tolist()]}
                try:
                    out = fn(base.clone(), s)
                    vals = (out.double() if out.is_floating_point() else out).tolist()
                    case['out'] = {'dtype': names[out.dtype], 'values': [v if not isinstance(v, float) or math.isfinite(v) else repr(v) for v in vals]}
                except RuntimeError as e:
                    case['error'] = str(e).split('\n')[0]
                cases.append(case)
    # Two numbers in where: int64 for ints, the default float dtype otherwise.
    for a, b in [(1, 0), (1.5, 0), (True, False)]:
        out = torch.where(cond, a, b)
        cases.append({'dtype': None, 'op': 'whereNumbers', 'scalar': [a, b], 'out': {'dtype': names[out.dtype], 'values': out.tolist()}})
    dump('promotion.json', {'cases': cases})


if __name__ == '__main__':
    args = sys.argv[1:]
    if args[:1] == ['--out']:
        OUT, args = args[1], args[2:]
    os.makedirs(OUT, exist_ok=True)
    sections = {'rng': rng, 'ops': ops, 'gumbel': gumbel, 'densities': densities, 'promotion': promotion}
    for name in args or list(sections):
        sections[name]()
