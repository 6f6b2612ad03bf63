#!/usr/bin/python3
"""Reference implementations of the structure ops in PyTorch (the tutorial's subsets and permutations
parts, written from Xie & Ermon 2019 and Mena et al. 2018) and SciPy's answers, as the fixtures the
parity tests compare against (test/fixtures/structures.json).

Run with Debian's torch and scipy:  /usr/bin/python3 scripts/make_structures_fixtures.py
The randomness (Gumbel noise) is drawn here and stored, so the native code sees the same draws. Only
elementwise ops, softmax and logsumexp are involved (no BLAS), so the numbers are portable across x86-64
CPUs.
"""
import json, math, os
import numpy as np
import torch
from scipy.optimize import linear_sum_assignment
from scipy.stats import kendalltau

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures')
DT = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64'}
TINY_F32 = np.finfo(np.float32).tiny


def enc(t):
    t = t.detach()
    vals = [v if not isinstance(v, float) or math.isfinite(v) else repr(v) for v in t.reshape(-1).tolist()]
    return {'shape': list(t.shape), 'dtype': DT[t.dtype], 'values': vals}


def gumbel(shape, dtype, gen):
    u = torch.rand(shape, generator=gen, dtype=dtype).clamp(torch.finfo(dtype).tiny, 1 - torch.finfo(dtype).eps)
    return -torch.log(-torch.log(u))


# ---- subsets (Xie & Ermon 2019; the tutorial's continuous_topk), items on the last dim
def relaxed_topk(scores, noise, k, tau, hard):
    s = scores + noise
    onehot_approx = torch.zeros_like(s)
    khot_list = []
    for _ in range(k):
        khot_mask = torch.max(1.0 - onehot_approx, torch.tensor([TINY_F32]))
        s = s + torch.log(khot_mask)
        onehot_approx = torch.softmax(s / tau, dim=-1)
        khot_list.append(onehot_approx)
    khot = sum(khot_list)
    if not hard:
        return khot
    khot_hard = torch.zeros_like(khot).scatter_(-1, khot.topk(k, dim=-1).indices, 1.0)
    return khot_hard - khot.detach() + khot


def plackett_luce_log_prob(scores, indices):
    # Step by step: the chosen score minus the logsumexp of the items not drawn yet.
    total = torch.zeros(scores.shape[:-1], dtype=scores.dtype)
    taken = torch.zeros(scores.shape, dtype=torch.bool)
    for j in range(indices.shape[-1]):
        i = indices[..., j:j + 1]
        total = total + scores.gather(-1, i).squeeze(-1) - scores.masked_fill(taken, -math.inf).logsumexp(-1)
        taken = taken.scatter(-1, i, True)
    return total


# ---- permutations (Mena et al. 2018; the tutorial's log_sinkhorn_norm / gumbel_sinkhorn)
def log_sinkhorn(log_alpha, iters):
    for _ in range(iters):
        log_alpha = log_alpha - torch.logsumexp(log_alpha, -1, keepdim=True)
        log_alpha = log_alpha - torch.logsumexp(log_alpha, -2, keepdim=True)
    return log_alpha.exp()


def main():
    gen = torch.Generator().manual_seed(20261203)
    rng = np.random.default_rng(20261203)
    out = {'torch': torch.__version__, 'relaxedTopK': [], 'logProb': [], 'sinkhorn': [], 'matching': [], 'kendallTau': []}

    # (shape, k, tau, hard, dim, masked entries)
    topk_cases = [([3, 6], 2, 1.0, False, -1, []), ([3, 6], 2, 1.0, True, -1, []), ([2, 5], 3, 0.1, False, -1, []),
                  ([2, 5], 3, 0.1, True, -1, []), ([4, 3, 5], 2, 0.5, False, 1, []), ([4, 3, 5], 2, 0.5, True, 1, []),
                  ([2, 7], 4, 10.0, False, -1, []), ([3, 6], 3, 0.5, False, -1, [(0, 1), (0, 4), (2, 0)]),
                  ([3, 6], 3, 0.5, True, -1, [(0, 1), (0, 4), (2, 0)]), ([1, 9], 9, 1.0, False, -1, []), ([5, 4], 1, 0.3, False, 0, [])]
    for dtype in (torch.float32, torch.float64):
        for shape, k, tau, hard, dim, masked in topk_cases:
            scores = torch.randn(shape, generator=gen, dtype=dtype) * 2
            for r, c in masked:
                scores[r, c] = -math.inf
            noise = gumbel(shape, dtype, gen)
            w = torch.randn(shape, generator=gen, dtype=dtype)
            x = scores.clone().requires_grad_()
            y = relaxed_topk(x.movedim(dim, -1), noise.movedim(dim, -1), k, tau, hard).movedim(-1, dim)
            (y * w).sum().backward()
            out['relaxedTopK'].append({'dtype': DT[dtype], 'k': k, 'tau': tau, 'hard': hard, 'dim': dim, 'scores': enc(scores),
                                       'noise': enc(noise), 'w': enc(w), 'y': enc(y), 'grad': enc(x.grad)})

        for shape, k, dim in [([4, 6], 3, -1), ([2, 3, 5], 2, 1), ([3, 4], 4, -1)]:
            scores = torch.randn(shape, generator=gen, dtype=dtype)
            if dim == -1 and k < shape[-1]:
                scores[0, 1] = -math.inf  # a masked item, never drawn
            sl = scores.movedim(dim, -1)
            indices = (sl + gumbel(sl.shape, dtype, gen)).masked_fill(sl.isneginf(), -math.inf).topk(k, -1).indices
            x = scores.clone().requires_grad_()
            lp = plackett_luce_log_prob(x.movedim(dim, -1), indices)
            w = torch.randn(lp.shape, generator=gen, dtype=dtype)
            (lp * w).sum().backward()
            out['logProb'].append({'dtype': DT[dtype], 'dim': dim, 'scores': enc(scores), 'indices': enc(indices.movedim(-1, dim)),
                                   'w': enc(w), 'y': enc(lp), 'grad': enc(x.grad)})

        for shape, iters, tau in [([4, 4], 20, None), ([3, 5, 5], 5, None), ([2, 3, 3], 1, None), ([4, 4], 20, 1.0),
                                  ([2, 4, 4], 20, 0.1), ([3, 6, 6], 10, 0.5), ([2, 2, 3, 3], 3, 2.0)]:
            log_alpha = torch.randn(shape, generator=gen, dtype=dtype) * 3
            noise = gumbel(shape, dtype, gen) if tau is not None else None
            w = torch.randn(shape, generator=gen, dtype=dtype)
            x = log_alpha.clone().requires_grad_()
            y = log_sinkhorn(x if tau is None else (x + noise) / tau, iters)
            (y * w).sum().backward()
            case = {'dtype': DT[dtype], 'iters': iters, 'logAlpha': enc(log_alpha), 'w': enc(w), 'y': enc(y), 'grad': enc(x.grad)}
            if tau is not None:
                case.update({'tau': tau, 'noise': enc(noise)})
            out['sinkhorn'].append(case)

    # Matching: SciPy's optimal cost (and its assignment, unique for continuous random matrices).
    for n in list(range(1, 13)) + [20, 33, 64]:
        for kind in ('random', 'ties'):
            for _ in range(6 if n <= 12 else 2):
                m = rng.normal(size=(n, n)) * 5 if kind == 'random' else rng.integers(-2, 3, size=(n, n)).astype(np.float64)
                rows, cols = linear_sum_assignment(-m)
                out['matching'].append({'kind': kind, 'logAlpha': enc(torch.tensor(m)), 'cols': cols.tolist(), 'cost': float(m[rows, cols].sum())})

    # Kendall's tau-b per row, with and without ties.
    for n, kind in [(2, 'perm'), (4, 'perm'), (9, 'perm'), (9, 'ties'), (12, 'ties'), (5, 'floats'), (3, 'allTies')]:
        batch = 6
        if kind == 'perm':
            a = np.stack([rng.permutation(n) for _ in range(batch)])
            b = np.stack([rng.permutation(n) for _ in range(batch)])
            b[0] = a[0]
            b[1] = n - 1 - a[1]  # the reverse order
        elif kind == 'ties':
            a, b = rng.integers(0, 3, size=(batch, n)), rng.integers(0, 4, size=(batch, n))
        elif kind == 'floats':
            a, b = rng.normal(size=(batch, n)), rng.normal(size=(batch, n))
        else:
            a, b = np.ones((batch, n)), rng.integers(0, 3, size=(batch, n))
        taus = [kendalltau(a[i], b[i]).correlation for i in range(batch)]
        dtype = torch.float64 if kind == 'floats' else torch.int64
        out['kendallTau'].append({'kind': kind, 'a': enc(torch.tensor(a, dtype=dtype)), 'b': enc(torch.tensor(b, dtype=dtype)),
                                  'tau': [t if math.isfinite(t) else repr(t) for t in map(float, taus)]})

    with open(os.path.join(OUT, 'structures.json'), 'w') as f:
        json.dump(out, f)
    print('wrote test/fixtures/structures.json:', {k: len(v) for k, v in out.items() if isinstance(v, list)})


if __name__ == '__main__':
    main()
