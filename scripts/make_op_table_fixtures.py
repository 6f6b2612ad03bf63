#!/usr/bin/python3
"""Writes test/fixtures/op-table.json: parity cases for the ops added through the op table
(lib/op-table.ts), from real PyTorch.

Run with Debian's torch:  /usr/bin/python3 scripts/make_op_table_fixtures.py
Each case calls torch.<snake_name>(*args, **kwargs) on its inputs: float32 and float64, the other
dtypes PyTorch accepts, broadcasting, empty tensors. For float outputs it also stores the gradients of
sum(out * w), w = linspace(-1, 1). test/op-table.parity.test.ts calls the derived method x.<name>(...)
with the same arguments and compares.
"""
import json, math, os, re
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'op-table.json')
DT = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64', torch.int32: 'int32', torch.bool: 'bool', torch.uint8: 'uint8'}


def enc(t):
    t = t.detach()
    vals = t.reshape(-1).tolist()
    vals = [v if not isinstance(v, float) or math.isfinite(v) else repr(v) for v in vals]
    return {'shape': list(t.shape), 'dtype': DT[t.dtype], 'values': vals}


def snake(name):
    return re.sub(r'[A-Z]', lambda m: '_' + m.group(0).lower(), name)


cases = []
# Table ops whose PyTorch function is not torch.<snake_name>.
PY_NAMES = {'linalgNorm': torch.linalg.norm}
# JSON has no infinities: an infinite argument travels as the string 'Infinity' / '-Infinity'.
jsnum = lambda a: repr(a).replace('inf', 'Infinity') if isinstance(a, float) and math.isinf(a) else a


def case(op, inputs, args=(), kwargs=None, tag='', free=False, method=False, seed=None, grad=True, gradcheck=True, shape_only=False, nnf=False, nograd=()):
    """args: positional arguments after self (inputs[0]), or every argument when free; {'t': i} stands
    for inputs[i]. method: call x.name(...) (ops PyTorch has only as methods). seed: manual_seed first.
    nnf: call torch.nn.functional's (torch.batch_norm and torch.embedding order their arguments differently).
    nograd: indices of float inputs that do not require grad (a loss's class weights: ATen has no derivative)."""
    kwargs = kwargs or {}
    ins = [x.clone().requires_grad_(grad and x.is_floating_point() and i not in nograd) for i, x in enumerate(inputs)]
    res = lambda a: ins[a['t']] if isinstance(a, dict) else [res(b) for b in a] if isinstance(a, list) and a and isinstance(a[0], dict) else a
    pos = [res(a) for a in args]
    kw = {k: res(v) for k, v in kwargs.items()}  # {'t': i} stands for inputs[i] in keywords too
    if seed is not None:
        torch.manual_seed(seed)
    if free:
        out = getattr(torch, snake(op))(*pos, **kw)
    elif method:
        out = getattr(ins[0], snake(op))(*pos, **kw)
    else:
        fn = getattr(torch.nn.functional, snake(op)) if nnf else getattr(torch, snake(op), None) or PY_NAMES.get(op) or getattr(torch.nn.functional, snake(op))
        out = fn(ins[0], *pos, **kw)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    if shape_only:  # uninitialised memory (empty_like): only the shape and dtype are PyTorch's
        outs = [torch.zeros_like(o) for o in outs]
    camel = lambda k: re.sub(r'_([a-z0-9])', lambda m: m.group(1).upper(), k)
    jskw = {camel(k): (DT[v] if isinstance(v, torch.dtype) else v) for k, v in kwargs.items()}
    entry = {'op': op, 'tag': tag, 'inputs': [enc(x) for x in inputs], 'args': [jsnum(a) for a in args], 'kwargs': jskw,
             'outputs': [enc(o) for o in outs], 'free': free, 'seed': seed, 'gradcheck': gradcheck, 'shapeOnly': shape_only}
    o = outs[0]
    if o.is_floating_point() and o.requires_grad and o.numel() > 0:
        w = torch.linspace(-1, 1, o.numel(), dtype=o.dtype).reshape(o.shape)
        (o * w).sum().backward()
        entry['grads'] = [enc(x.grad) if x.grad is not None else None for x in ins]
    cases.append(entry)


def unary(op, lo=-2.0, hi=2.0, ints=True):
    torch.manual_seed(len(cases))
    x = torch.rand(3, 4, dtype=torch.float64) * (hi - lo) + lo
    case(op, [x.float()], tag='float32')
    case(op, [x], tag='float64')
    case(op, [torch.zeros(0, 3)], tag='empty')
    if ints:
        case(op, [torch.arange(-2, 4).clamp(int(math.ceil(lo)), int(math.floor(hi)))], tag='int64')


def binary(op, lo=-2.0, hi=2.0, other_lo=None, other_hi=None, number=None, ints=True):
    torch.manual_seed(len(cases))
    olo, ohi = (lo if other_lo is None else other_lo), (hi if other_hi is None else other_hi)
    x = torch.rand(3, 4, dtype=torch.float64) * (hi - lo) + lo
    y = torch.rand(3, 4, dtype=torch.float64) * (ohi - olo) + olo
    case(op, [x.float(), y.float()], [{'t': 1}], tag='float32')
    case(op, [x, y], [{'t': 1}], tag='float64')
    case(op, [x.float(), y[0].float()], [{'t': 1}], tag='broadcast')
    case(op, [torch.zeros(0, 4), torch.zeros(1, 4) + 1], [{'t': 1}], tag='empty')
    if number is not None:
        case(op, [x.float()], [number], tag='number')
    if ints:
        case(op, [torch.tensor([5, -7, 9, 0]), torch.tensor([3, 2, -4, 1])], [{'t': 1}], tag='int64')


for op in ['sin', 'cos', 'tan', 'atan', 'sinh', 'cosh', 'asinh', 'erf', 'erfc', 'expm1', 'exp2', 'sign',
           'floor', 'ceil', 'round', 'trunc', 'square']:
    unary(op)
for op in ['asin', 'acos', 'atanh', 'erfinv']:
    unary(op, -0.95, 0.95, ints=False)
unary('acosh', 1.1, 4.0)
for op in ['log2', 'log10', 'rsqrt', 'reciprocal', 'lgamma', 'digamma']:
    unary(op, 0.2, 4.0)
unary('frac', ints=False)
unary('isinf')
case('isinf', [torch.tensor([1.0, float('inf'), -float('inf'), float('nan')])], tag='special')
case('nanToNum', [torch.tensor([1.0, float('inf'), -float('inf'), float('nan')])], tag='defaults')
case('nanToNum', [torch.tensor([1.0, float('inf'), -float('inf'), float('nan')], dtype=torch.float64)], [0.5], {'posinf': 9.0, 'neginf': -9.0}, tag='float64 values')
case('nanToNum', [torch.rand(3, 4, dtype=torch.float64)], tag='gradient')
case('logicalNot', [torch.tensor([0.0, 1.5, -2.0, 0.0])], tag='float32')
case('logicalNot', [torch.tensor([True, False])], tag='bool')
for op in ['logicalAnd', 'logicalOr', 'logicalXor']:
    case(op, [torch.tensor([0.0, 1.5, -2.0, 0.0]), torch.tensor([1, 0, 3, 0])], [{'t': 1}], tag='mixed dtypes')
    case(op, [torch.tensor([[True], [False]]), torch.tensor([True, False])], [{'t': 1}], tag='bool broadcast')
binary('atan2', ints=False)
binary('hypot', ints=False)
binary('logaddexp', ints=False)
binary('maximum')
binary('minimum')
binary('fmod', other_lo=0.5, other_hi=2.0, number=1.5)
binary('remainder', other_lo=0.5, other_hi=2.0, number=-1.5)
binary('xlogy', other_lo=0.1, other_hi=3.0, number=2.0, ints=False)
case('xlogy', [torch.tensor([0.0, 0.0, 1.0]), torch.tensor([0.0, float('nan'), 2.0])], [{'t': 1}], tag='zeros')
torch.manual_seed(7)
s, e = torch.randn(3, 4, dtype=torch.float64), torch.randn(3, 4, dtype=torch.float64)
case('lerp', [s.float(), e.float()], [{'t': 1}, 0.3], tag='float32 number weight')
case('lerp', [s, e, torch.rand(3, 4, dtype=torch.float64)], [{'t': 1}, {'t': 2}], tag='float64 tensor weight')
case('lerp', [s.float(), e[0].float()], [{'t': 1}, 0.75], tag='broadcast')

# ---- sorting and selection
torch.manual_seed(11)
m = torch.randn(4, 5, dtype=torch.float64)
for dt, tag in [(torch.float32, 'float32'), (torch.float64, 'float64')]:
    case('topk', [m.to(dt)], [3], tag=tag)
    case('sort', [m.to(dt)], [0, True], tag=tag)
    case('kthvalue', [m.to(dt)], [2, -1, True], tag=tag)
case('topk', [m], [2], {'dim': 0, 'largest': False}, tag='smallest dim 0')
case('topk', [torch.tensor([3, 1, 2, 5])], [2], tag='int64')
case('topk', [torch.zeros(0, 3)], [0], tag='empty')
ties = torch.tensor([2, 1, 2, 1, 2, 0, 1])
case('sort', [ties], [], {'stable': True}, tag='stable int64')
# Ties: the values' gradient is defined (PyTorch's) but finite differences step across the ties.
case('sort', [ties.double()], [], {'stable': True, 'dim': -1, 'descending': True}, tag='stable descending', gradcheck=False)
case('argsort', [ties], [], {'stable': True}, tag='stable')
case('argsort', [m], [1, True], tag='descending')
case('unique', [ties], tag='sorted')
case('unique', [ties], [], {'return_counts': True}, tag='counts')
case('unique', [ties], [True, True, True], tag='inverse counts')
case('unique', [torch.tensor([[1, 2], [1, 2], [0, 5]])], [], {'dim': 0}, tag='dim 0')
seq = torch.tensor([1.0, 2.0, 2.0, 5.0, 7.0])
case('searchsorted', [seq, torch.tensor([[0.5, 2.0], [6.0, 9.0]])], [{'t': 1}], tag='left')
case('searchsorted', [seq, torch.tensor([2.0, 5.0])], [{'t': 1}], {'right': True}, tag='right')
case('searchsorted', [seq.double(), torch.tensor([2.0, 5.0], dtype=torch.float64)], [{'t': 1}], {'out_int32': True}, tag='int32')

# ---- reductions
torch.manual_seed(12)
r = torch.rand(3, 4, 2, dtype=torch.float64) + 0.5
for dt, tag in [(torch.float32, 'float32'), (torch.float64, 'float64')]:
    x = r.to(dt)
    case('prod', [x], tag=tag + ' all')
    case('prod', [x], [1, True], tag=tag + ' dim keepdim')
    case('std', [x], tag=tag + ' all')
    case('std', [x], [[0, -1]], {'correction': 0, 'keepdim': True}, tag=tag + ' dims correction 0')
    case('var', [x], [1], tag=tag + ' dim')
    case('var', [x], [1], {'correction': 2}, tag=tag + ' correction 2')
    case('norm', [x], tag=tag + ' all')
    case('norm', [x], [1, [1, 2]], tag=tag + ' p1 dims')
    case('norm', [x], [3, -1, True], tag=tag + ' p3 keepdim')
    case('amax', [x], [[0, 2]], tag=tag)
    case('amin', [x], [-1, True], tag=tag)
    case('cumsum', [x], [1], tag=tag)
    case('cumprod', [x], [-1], tag=tag)
    case('logcumsumexp', [x], [0], tag=tag)
    case('cummax', [x], [1], tag=tag)
    case('cummin', [x], [-1], tag=tag)
    case('median', [x], tag=tag + ' all')
    case('median', [x], [1, True], tag=tag + ' dim')
case('amax', [r], tag='all')
case('argmin', [r], tag='all')
case('argmin', [r], [-1, True], tag='dim keepdim')
case('prod', [torch.tensor([[1, 2], [3, 4]])], [0], tag='int64')
case('prod', [torch.tensor([[1, 2], [3, 4]])], [], {'dtype': torch.float64}, tag='dtype')
case('cumsum', [torch.tensor([1, 2, 3], dtype=torch.int32)], [0], tag='int32 to int64')
case('cumsum', [torch.zeros(0, 3)], [1], tag='empty')
case('countNonzero', [torch.tensor([[0.0, 1.5, 0.0], [2.0, 0.0, 3.0]])], tag='all')
case('countNonzero', [torch.tensor([[0, 1, 0], [2, 0, 3]])], [-1], tag='dim')
case('aminmax', [r], tag='all', grad=False)
case('aminmax', [r], [], {'dim': 1, 'keepdim': True}, tag='dim', grad=False)
case('std', [torch.zeros(0, 3)], [0], tag='empty')

# ---- indexing
torch.manual_seed(13)
q = torch.randn(3, 4, dtype=torch.float64)
mask = q > 0
idx = torch.tensor([2, 0])
for dt, tag in [(torch.float32, 'float32'), (torch.float64, 'float64')]:
    x = q.to(dt)
    case('maskedFill', [x, mask], [{'t': 1}, -1.5], tag=tag)
    case('maskedSelect', [x, mask], [{'t': 1}], tag=tag)
    case('indexAdd', [x, idx, torch.randn(3, 2, dtype=dt)], [1, {'t': 1}, {'t': 2}], {'alpha': 2}, tag=tag)
    case('indexCopy', [x, idx, torch.randn(2, 4, dtype=dt)], [0, {'t': 1}, {'t': 2}], tag=tag)
    case('indexFill', [x, idx], [1, {'t': 1}, 7.0], tag=tag)
    case('scatterAdd', [x, torch.tensor([[0, 1, 2, 0], [2, 2, 1, 0]]), torch.randn(2, 4, dtype=dt)], [0, {'t': 1}, {'t': 2}], tag=tag)
    case('takeAlongDim', [x, torch.tensor([[0], [3], [1]])], [{'t': 1}, 1], tag=tag)
    case('diag', [x], [1], tag=tag)
    case('diagonal', [x.reshape(2, 3, 2)], [0, -1, 1], tag=tag)
    case('tril', [x], [-1], tag=tag)
    case('triu', [x], [1], tag=tag)
sidx = torch.tensor([[0, 1, 0, 1], [1, 1, 0, 0]])
for red in ['sum', 'prod', 'mean', 'amax', 'amin']:
    case('scatterReduce', [q[:2].clone(), sidx, torch.randn(2, 4, dtype=torch.float64)], [0, {'t': 1}, {'t': 2}, red], tag=red)
case('scatterReduce', [q[:2].clone(), sidx, torch.randn(2, 4, dtype=torch.float64)], [0, {'t': 1}, {'t': 2}, 'mean'], {'include_self': False}, tag='mean exclude self')
case('maskedFill', [torch.tensor([1, 2, 3]), torch.tensor([True, False, True])], [{'t': 1}, 0], tag='int64')
case('maskedFill', [q, mask[0]], [{'t': 1}, 0.0], tag='broadcast mask')
case('nonzero', [mask], tag='bool')
case('nonzero', [torch.zeros(0, 2)], tag='empty')
case('diag', [torch.tensor([1.0, 2.0, 3.0])], [-1], tag='vector to matrix')

# ---- shape
torch.manual_seed(14)
z = torch.randn(2, 3, dtype=torch.float64)
for dt, tag in [(torch.float32, 'float32'), (torch.float64, 'float64')]:
    x = z.to(dt)
    case('repeat', [x], [[2, 1, 2]], method=True, tag=tag)
    case('tile', [x], [[2]], tag=tag)
    case('expandAs', [x[:1], x], [{'t': 1}], method=True, tag=tag)
    case('roll', [x], [1], tag=tag + ' flat')
    case('roll', [x], [[1, -1], [0, 1]], tag=tag + ' dims')
    case('chunk', [x], [2, 1], tag=tag)
    case('split', [x], [2, 1], tag=tag + ' size')
    case('split', [x], [[1, 2], -1], tag=tag + ' sizes')
    case('unbind', [x], [1], tag=tag)
    case('movedim', [x.reshape(1, 2, 3)], [0, -1], tag=tag)
    case('viewAs', [x, torch.zeros(3, 2)], [{'t': 1}], method=True, tag=tag)
    case('reshapeAs', [x.t(), torch.zeros(6)], [{'t': 1}], method=True, tag=tag)
    case('broadcastTo', [x[:, :1]], [[4, 2, 3]], tag=tag)
for dt, tag in [(torch.float32, 'float32'), (torch.float64, 'float64')]:
    case('flip', [z.to(dt)], [[0, -1]], tag=tag)
case('flip', [torch.arange(6).reshape(2, 3)], [[1]], tag='int64 one dim')
case('flip', [torch.zeros(0, 3)], [[0]], tag='empty')
case('swapaxes', [z.reshape(1, 2, 3)], [0, -1], tag='float64 negative dim')
case('swapaxes', [torch.arange(6).reshape(2, 3)], [1, 0], tag='int64')
case('meshgrid', [torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0, 5.0])], [[{'t': 0}, {'t': 1}]], tag='ij', free=True, grad=False)
case('meshgrid', [torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0, 5.0])], [[{'t': 0}, {'t': 1}]], {'indexing': 'xy'}, tag='xy', free=True, grad=False)

# ---- linear algebra (through BLAS: compared at a bound that holds on any CPU)
torch.manual_seed(15)
A, B = torch.randn(3, 4, dtype=torch.float64), torch.randn(4, 2, dtype=torch.float64)
Ab, Bb = torch.randn(2, 3, 4, dtype=torch.float64), torch.randn(2, 4, 2, dtype=torch.float64)
v = torch.randn(4, dtype=torch.float64)
for dt, tag in [(torch.float32, 'float32'), (torch.float64, 'float64')]:
    case('mm', [A.to(dt), B.to(dt)], [{'t': 1}], tag=tag)
    case('bmm', [Ab.to(dt), Bb.to(dt)], [{'t': 1}], tag=tag)
    case('baddbmm', [torch.randn(2, 3, 2, dtype=dt), Ab.to(dt), Bb.to(dt)], [{'t': 1}, {'t': 2}], {'beta': 0.5, 'alpha': 2}, tag=tag)
    case('mv', [A.to(dt), v.to(dt)], [{'t': 1}], tag=tag)
    case('dot', [v.to(dt), v.flip(0).to(dt)], [{'t': 1}], tag=tag)
    case('outer', [v.to(dt), v[:3].to(dt)], [{'t': 1}], tag=tag)
    case('tensordot', [Ab.to(dt), torch.randn(3, 4, 5, dtype=dt)], [{'t': 1}, 2], tag=tag)
    case('cdist', [A.to(dt), torch.randn(5, 4, dtype=dt)], [{'t': 0}, {'t': 1}], tag=tag, free=True)
case('trace', [A], tag='float64')
case('trace', [A.float()], tag='float32')
case('trace', [torch.arange(12).reshape(3, 4)], tag='int64')
case('einsum', [A, B], ['ij,jk->ik', [{'t': 0}, {'t': 1}]], tag='matmul', free=True)
case('einsum', [Ab], ['bij->bji', [{'t': 0}]], tag='transpose', free=True)
case('cdist', [A, torch.randn(5, 4, dtype=torch.float64)], [{'t': 0}, {'t': 1}, 1.0], tag='p1', free=True)

# ---- random: seeded draws
probs = torch.tensor([[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.1, 0.1]])
case('multinomial', [probs], [3], seed=5, tag='without replacement')
case('multinomial', [probs], [6, True], seed=6, tag='with replacement')
case('multinomial', [probs.double()[0]], [2], seed=7, tag='float64 1-d')
case('poisson', [torch.tensor([[0.5, 2.0, 10.0], [1.0, 0.0, 4.0]])], seed=8, tag='float32', grad=False)
case('normal', [torch.zeros(2, 3), torch.ones(2, 3) * 2], [{'t': 0}, {'t': 1}], seed=9, tag='tensors', free=True, grad=False)
case('randintLike', [torch.zeros(2, 3)], [5], seed=10, tag='high', grad=False)
case('randintLike', [torch.zeros(4, dtype=torch.float64)], [-3, 3], seed=11, tag='low high', grad=False)
case('exponential_', [torch.zeros(2, 3)], [2.0], seed=12, method=True, tag='float32', grad=False)

# ---- creation
case('linspace', [], [0, 1, 5], free=True, tag='float32')
case('linspace', [], [-2, 3.5, 7], {'dtype': torch.float64}, free=True, tag='float64')
case('logspace', [], [0, 2, 3], free=True, tag='base 10')
case('logspace', [], [0, 3, 4, 2.0], {'dtype': torch.float64}, free=True, tag='base 2')
case('fullLike', [torch.zeros(2, 3)], [2.5], tag='float32')
case('fullLike', [torch.zeros(2, 3)], [7], {'dtype': torch.int64}, tag='dtype')
case('trilIndices', [], [3, 4, 1], free=True, tag='offset 1')
case('trilIndices', [], [4, 3], free=True, tag='default')
case('emptyLike', [torch.zeros(2, 3)], tag='float32', shape_only=True)
case('emptyLike', [torch.zeros(2, 3)], [], {'dtype': torch.int64}, tag='dtype', shape_only=True)

# ---- bitwise, clamp with tensor bounds, pad
a8, b8 = torch.tensor([[12, 5, 255, 0]], dtype=torch.uint8), torch.tensor([[10], [3]], dtype=torch.uint8)
for op in ['bitwiseAnd', 'bitwiseOr', 'bitwiseXor']:
    case(op, [torch.tensor([12, -5, 7, 0]), torch.tensor([10, 3, -1, 9])], [{'t': 1}], tag='int64')
    case(op, [a8, b8], [{'t': 1}], tag='uint8 broadcast')
    case(op, [torch.tensor([True, False, True]), torch.tensor([True, True, False])], [{'t': 1}], tag='bool')
    case(op, [torch.tensor([12, -5, 7, 0])], [6], tag='number')
case('bitwiseNot', [torch.tensor([12, -5, 0])], tag='int64')
case('bitwiseNot', [a8], tag='uint8')
case('bitwiseNot', [torch.tensor([True, False])], tag='bool')
torch.manual_seed(16)
c0 = torch.randn(3, 4, dtype=torch.float64)
lo, hi = torch.randn(3, 4, dtype=torch.float64) - 0.5, torch.randn(1, 4, dtype=torch.float64) + 0.5
for dt, tag in [(torch.float32, 'float32'), (torch.float64, 'float64')]:
    for mode, extra in [('constant', {'value': 1.5}), ('reflect', {}), ('replicate', {}), ('circular', {})]:
        case('pad', [c0.reshape(1, 3, 4).to(dt)], [[1, 2]], {'mode': mode, **extra}, tag=f'{tag} {mode}')
    case('pad', [c0.reshape(1, 1, 3, 4).to(dt)], [[1, 1, 2, 0]], {'mode': 'reflect'}, tag=f'{tag} reflect 2-d')
case('pad', [torch.arange(6).reshape(2, 3)], [[1, 1]], tag='int64 constant')
# Tensor.clamp's tensor bounds (its native is the table's clampTensor).
for dt, tag in [(torch.float32, 'float32'), (torch.float64, 'float64')]:
    case('clamp', [c0.to(dt), lo.to(dt), hi.to(dt)], [{'t': 1}, {'t': 2}], tag=tag + ' tensor bounds')
case('clamp', [c0, lo], [{'t': 1}], tag='float64 tensor min only')

# ---- nn.functional: convolution, pooling, normalisation, dropout, embedding, activations
torch.manual_seed(21)
img = torch.randn(2, 3, 7, 6, dtype=torch.float64)
seq1 = torch.randn(2, 3, 9, dtype=torch.float64)
w2, b2 = torch.randn(4, 3, 3, 3, dtype=torch.float64) * 0.3, torch.randn(4, dtype=torch.float64)
w2g = torch.randn(4, 1, 3, 2, dtype=torch.float64) * 0.3
w1, b1 = torch.randn(4, 3, 3, dtype=torch.float64) * 0.3, torch.randn(4, dtype=torch.float64)
wt2, bt2 = torch.randn(3, 2, 3, 3, dtype=torch.float64) * 0.3, torch.randn(2, dtype=torch.float64)
wt1 = torch.randn(3, 2, 4, dtype=torch.float64) * 0.3
for dt, tag in [(torch.float32, 'float32'), (torch.float64, 'float64')]:
    c = lambda t: t.to(dt)
    case('conv2d', [c(img), c(w2), c(b2)], [{'t': 1}, {'t': 2}], tag=tag, nnf=True)
    case('conv2d', [c(img), c(w2)], [{'t': 1}, None, [2, 1], 1, [1, 2]], tag=tag + ' stride padding dilation', nnf=True)
    case('conv2d', [c(img[:, :2].repeat(1, 2, 1, 1)), c(w2g)], [{'t': 1}], {'groups': 4, 'padding': [1, 0]}, tag=tag + ' groups', nnf=True)
    case('conv1d', [c(seq1), c(w1), c(b1)], [{'t': 1}, {'t': 2}, 2, 1], tag=tag, nnf=True)
    case('convTranspose2d', [c(img), c(wt2), c(bt2)], [{'t': 1}, {'t': 2}, 2, 1, 1], tag=tag + ' stride 2 output padding', nnf=True)
    case('convTranspose1d', [c(seq1), c(wt1)], [{'t': 1}], {'stride': 3, 'dilation': 2}, tag=tag, nnf=True)
    case('maxPool2d', [c(img)], [2], tag=tag, nnf=True)
    case('maxPool2d', [c(img)], [3, 2, 1], {'ceil_mode': True}, tag=tag + ' stride padding ceil', nnf=True)
    case('maxPool1d', [c(seq1)], [2, 1], {'dilation': 2}, tag=tag, nnf=True)
    case('avgPool2d', [c(img)], [[2, 3]], {'padding': 1, 'count_include_pad': False}, tag=tag, nnf=True)
    case('avgPool2d', [c(img)], [2], {'divisor_override': 3}, tag=tag + ' divisor', nnf=True)
    case('avgPool1d', [c(seq1)], [3, 2], tag=tag, nnf=True)
    case('adaptiveAvgPool2d', [c(img)], [[3, 2]], tag=tag, nnf=True)
    case('adaptiveAvgPool2d', [c(img)], [1], tag=tag + ' 1', nnf=True)
    case('adaptiveAvgPool1d', [c(seq1)], [4], tag=tag, nnf=True)
    case('adaptiveMaxPool2d', [c(img)], [[2, 4]], tag=tag, nnf=True)
    bw, bb = torch.rand(3, dtype=torch.float64) + 0.5, torch.randn(3, dtype=torch.float64)
    case('batchNorm', [c(img), c(bw), c(bb)], [None, None, {'t': 1}, {'t': 2}, True], tag=tag + ' training batch statistics', nnf=True)
    case('batchNorm', [c(seq1)], [None, None], {'training': True, 'eps': 1e-3}, tag=tag + ' training 3-d no affine', nnf=True)
    case('batchNorm', [c(img), c(bw), c(bb), c(bw * 2)], [{'t': 1}, {'t': 3}, {'t': 1}, {'t': 2}], tag=tag + ' eval running statistics', nnf=True, grad=False)
    case('layerNorm', [c(img), c(torch.rand(7, 6, dtype=torch.float64)), c(torch.randn(7, 6, dtype=torch.float64))], [[7, 6], {'t': 1}, {'t': 2}], tag=tag, nnf=True)
    case('layerNorm', [c(seq1)], [[9]], {'eps': 1e-2}, tag=tag + ' no affine', nnf=True)
    case('groupNorm', [c(img[:, :2].repeat(1, 2, 1, 1)), c(torch.rand(4, dtype=torch.float64)), c(torch.randn(4, dtype=torch.float64))], [2, {'t': 1}, {'t': 2}], tag=tag, nnf=True)
    case('dropout', [c(img)], [0.3], tag=tag, nnf=True, seed=5, gradcheck=False)
    case('dropout', [c(img)], [0.3, False], tag=tag + ' eval', nnf=True)
    case('dropout2d', [c(img)], [0.5], tag=tag, nnf=True, seed=6, gradcheck=False)
    emb = c(torch.randn(6, 3, dtype=torch.float64))
    case('embedding', [torch.tensor([[0, 2, 5], [2, 1, 0]]), emb], [{'t': 1}], tag=tag, nnf=True)
    case('embedding', [torch.tensor([[0, 2, 5], [2, 5, 5]]), emb], [{'t': 1}, -1], tag=tag + ' paddingIdx -1', nnf=True)
    act = c(torch.linspace(-4, 4, 13, dtype=torch.float64).reshape(1, 13) + 0.05)
    for op, extra in [('elu', [0.7]), ('selu', []), ('celu', [1.3]), ('leakyRelu', [0.2]), ('gelu', []), ('silu', []), ('mish', []),
                      ('softplus', [2, 3]), ('logsigmoid', []), ('hardtanh', [-2, 1.5]), ('hardsigmoid', []), ('hardswish', []), ('relu6', [])]:
        case(op, [act], extra, tag=tag, nnf=True)
    case('gelu', [act], [], {'approximate': 'tanh'}, tag=tag + ' tanh', nnf=True)
    case('relu6', [act * 2], [], tag=tag + ' above 6', nnf=True)
case('conv2d', [torch.zeros(0, 3, 5, 5), w2.float()], [{'t': 1}], tag='empty batch', nnf=True)
case('elu', [torch.zeros(0, 3)], tag='empty', nnf=True)

# ---- nn.functional losses (F.* itself: its size checks and broadcasting, then ATen's kernels)
rng_before_losses = torch.get_rng_state()  # the cases after these keep their draws
torch.manual_seed(31)
lx, ly = torch.randn(4, 5, dtype=torch.float64), torch.randn(4, 5, dtype=torch.float64) * 1.5
logits3 = torch.randn(4, 5, 3, dtype=torch.float64)
cls, cls3 = torch.tensor([1, 0, 4, 2]), torch.tensor([[1, 0, 4], [2, 2, 3], [0, 1, 1], [4, 3, 0]])
probs = torch.softmax(torch.randn(4, 5, dtype=torch.float64), 1)
cw = torch.rand(5, dtype=torch.float64) + 0.5
bt, pw = torch.rand(4, 5, dtype=torch.float64), torch.rand(5, dtype=torch.float64) * 2 + 0.1
kin = torch.log_softmax(torch.randn(4, 5, dtype=torch.float64), 1)
var = torch.rand(4, 5, dtype=torch.float64) + 0.1
for dt, tag in [(torch.float32, 'float32'), (torch.float64, 'float64')]:
    c = lambda t: t.to(dt)
    for red in ['mean', 'sum', 'none']:
        case('mseLoss', [c(lx), c(ly)], [{'t': 1}], {'reduction': red}, tag=f'{tag} {red}', nnf=True)
        case('l1Loss', [c(lx), c(ly)], [{'t': 1}], {'reduction': red}, tag=f'{tag} {red}', nnf=True)
        case('crossEntropy', [c(lx), cls], [{'t': 1}], {'reduction': red}, tag=f'{tag} class indices {red}', nnf=True)
        case('nllLoss', [c(kin), cls], [{'t': 1}], {'reduction': red}, tag=f'{tag} {red}', nnf=True)
        case('binaryCrossEntropyWithLogits', [c(lx), c(bt)], [{'t': 1}], {'reduction': red}, tag=f'{tag} {red}', nnf=True)
        case('gaussianNllLoss', [c(lx), c(ly), c(var)], [{'t': 1}, {'t': 2}], {'reduction': red}, tag=f'{tag} {red}', nnf=True)
    for red in ['mean', 'sum', 'none', 'batchmean']:
        case('klDiv', [c(kin), c(probs)], [{'t': 1}], {'reduction': red}, tag=f'{tag} {red}', nnf=True)
    case('klDiv', [c(kin), c(probs.log())], [{'t': 1}], {'reduction': 'batchmean', 'log_target': True}, tag=tag + ' logTarget', nnf=True)
    case('mseLoss', [c(lx), c(ly[:1])], [{'t': 1}], tag=tag + ' broadcast target', nnf=True)
    case('smoothL1Loss', [c(lx), c(ly)], [{'t': 1}], tag=tag, nnf=True)
    case('smoothL1Loss', [c(lx), c(ly)], [{'t': 1}], {'beta': 0.5, 'reduction': 'none'}, tag=tag + ' beta 0.5 none', nnf=True)
    case('smoothL1Loss', [c(lx), c(ly)], [{'t': 1}], {'beta': 0.0, 'reduction': 'sum'}, tag=tag + ' beta 0 (l1)', nnf=True)
    case('huberLoss', [c(lx), c(ly)], [{'t': 1}], tag=tag, nnf=True)
    case('huberLoss', [c(lx), c(ly)], [{'t': 1}, 'none', 0.7], tag=tag + ' none delta 0.7 positional', nnf=True)
    case('crossEntropy', [c(lx), c(probs)], [{'t': 1}], tag=tag + ' class probabilities', nnf=True)
    case('crossEntropy', [c(lx), c(probs), c(cw)], [{'t': 1}, {'t': 2}], {'label_smoothing': 0.2}, tag=tag + ' probabilities weight smoothing', nnf=True, nograd=(2,), gradcheck=False)
    case('crossEntropy', [c(lx), cls, c(cw)], [{'t': 1}, {'t': 2}], tag=tag + ' weight', nnf=True, nograd=(2,), gradcheck=False)
    case('crossEntropy', [c(lx), cls], [{'t': 1}], {'ignore_index': 4, 'label_smoothing': 0.1}, tag=tag + ' ignoreIndex labelSmoothing', nnf=True)
    case('crossEntropy', [c(lx), cls, c(cw)], [{'t': 1}, {'t': 2}], {'ignore_index': 0, 'label_smoothing': 0.3, 'reduction': 'sum'}, tag=tag + ' all options', nnf=True, nograd=(2,), gradcheck=False)
    case('crossEntropy', [c(logits3), cls3], [{'t': 1}], tag=tag + ' k-dim class indices', nnf=True)
    case('crossEntropy', [c(lx[0]), cls[2]], [{'t': 1}], tag=tag + ' unbatched', nnf=True)
    case('nllLoss', [c(kin), cls, c(cw)], [{'t': 1}, {'t': 2}], {'ignore_index': 1}, tag=tag + ' weight ignoreIndex', nnf=True, nograd=(2,), gradcheck=False)
    case('nllLoss', [c(torch.log_softmax(logits3, 1)), cls3], [{'t': 1}], {'reduction': 'sum'}, tag=tag + ' k-dim', nnf=True)
    case('binaryCrossEntropyWithLogits', [c(lx), c(bt), c(cw), c(pw)], [{'t': 1}, {'t': 2}], {'pos_weight': {'t': 3}}, tag=tag + ' weight posWeight', nnf=True, nograd=(2, 3), gradcheck=False)
    case('gaussianNllLoss', [c(lx), c(ly), c(var[:, 0])], [{'t': 1}, {'t': 2}], {'full': True}, tag=tag + ' one var per row full', nnf=True)
    case('gaussianNllLoss', [c(lx), c(ly), c(var[:, :1] * 1e-8)], [{'t': 1}, {'t': 2}], {'eps': 1e-3, 'reduction': 'sum'}, tag=tag + ' var clamped to eps', nnf=True, gradcheck=False)
case('mseLoss', [torch.zeros(0, 3), torch.zeros(0, 3)], [{'t': 1}], {'reduction': 'sum'}, tag='empty sum', nnf=True)
case('crossEntropy', [torch.zeros(0, 3), torch.zeros(0, dtype=torch.int64)], [{'t': 1}], {'reduction': 'sum'}, tag='empty batch sum', nnf=True)
torch.set_rng_state(rng_before_losses)
# ---- torch.linalg.norm: vector norms (any ord, over all or some dims) and matrix norms over two dims
torch.manual_seed(21)
v = torch.randn(3, 4, 5, dtype=torch.float64)
for dt, tag in [(torch.float32, 'float32'), (torch.float64, 'float64')]:
    x = v.to(dt)
    case('linalgNorm', [x], tag=tag + ' default (2-norm of all)')
    for o in [2, 1, 3.5, math.inf, -math.inf, 0]:
        case('linalgNorm', [x[0, 0]], [o], tag=f'{tag} vector ord {o}', grad=o != 0)
    case('linalgNorm', [x], [1, -1, True], tag=tag + ' ord 1 dim -1 keepdim')
    case('linalgNorm', [x], [None, [0, 2]], tag=tag + ' matrix fro over dims 0 2')
    for o in ['fro', 'nuc', 1, -1, 2, -2, math.inf, -math.inf]:
        case('linalgNorm', [x[0]], [o], tag=f'{tag} matrix ord {o}')
    case('linalgNorm', [x], ['fro', [-2, -1], True], tag=tag + ' batched fro keepdim')
case('linalgNorm', [v.float()], [], {'dtype': torch.float64}, tag='float32 in, dtype float64')
case('linalgNorm', [torch.zeros(0, 3)], [None, 1], tag='empty rows over dim 1')

# ---- bit shifts (integer dtypes; a number operand as a Python int)
for dt, tag in [(torch.int64, 'int64'), (torch.int32, 'int32'), (torch.uint8, 'uint8')]:
    a = torch.tensor([[1, 7, 100, 0], [255, 3, 12, 64]]).to(dt)
    s = torch.tensor([[0, 1, 2, 3]]).to(dt)
    for op in ['bitwiseLeftShift', 'bitwiseRightShift']:
        case(op, [a, s], [{'t': 1}], tag=tag + ' broadcast')
        case(op, [a], [2], tag=tag + ' number')
for op in ['bitwiseLeftShift', 'bitwiseRightShift']:
    case(op, [torch.tensor([-8, -1, 5, 1 << 40])], [3], tag='int64 negative and wide')

# ---- arange with a float step: the length and values as PyTorch's
for start, end, step in [(0, 1, 0.1), (0, 0.3, 0.1), (-1, 1, 0.3), (1, 2.5, 0.5), (1, 0, -0.25), (0.5, 3, 0.7), (0, 1e-3, 1e-4)]:
    case('arange', [], [start, end, step], free=True, tag=f'float step {start}..{end} by {step}')

# ---- Tensor.slice: Python's indexing syntax, against x[...] itself
def pyslice(x, index, tag):
    ins = x.clone().requires_grad_(x.is_floating_point())
    out = eval('ins[' + index + ']', {'ins': ins})
    entry = {'op': 'slice', 'tag': tag, 'inputs': [enc(x)], 'args': [index], 'kwargs': {}, 'outputs': [enc(out)], 'free': False, 'seed': None, 'gradcheck': True, 'shapeOnly': False}
    if out.numel() > 0 and x.is_floating_point():
        w = torch.linspace(-1, 1, out.numel(), dtype=out.dtype).reshape(out.shape)
        (out * w).sum().backward()
        entry['grads'] = [enc(ins.grad)]
    cases.append(entry)


s4 = torch.randn(2, 3, 4, dtype=torch.float64)
for index in [':, 1:3', '..., -1', '1', '-1, ::2', ':, None, 0:2', '..., 1:, :-1', '::2, ..., 3', '0, 1, 2', '...', ':, 5:9', ':, -2:', 'None, ..., None']:
    pyslice(s4, index, repr(index))
pyslice(s4.float(), '1:, :, ::3', 'float32')
pyslice(torch.arange(12).reshape(3, 4), '-1, 1:3', 'int64')

with open(OUT, 'w') as f:
    json.dump({'torch': torch.__version__, 'generator': 'scripts/make_op_table_fixtures.py', 'cases': cases}, f)
print('wrote', OUT, len(cases), 'cases')
