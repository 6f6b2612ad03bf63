#!/usr/bin/python3
"""The PyTorch / SciPy side of bench/matching.js and bench/structures.js: times the reference programs
with the same protocol as bench/common.js timeMs (warmup, then the median of 5 reps of `iters` calls)
and prints one JSON line of milliseconds per call.

  /usr/bin/python3 bench/structures_pytorch.py matching <batch> <n> <iters>
  /usr/bin/python3 bench/structures_pytorch.py ops <iters>
"""
import json, os, sys, time
import numpy as np
import torch
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts'))
from make_structures_fixtures import log_sinkhorn, relaxed_topk  # the references the parity tests use


def time_ms(fn, iters, warmup=10, reps=5, clock=time.perf_counter):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        t0 = clock()
        for _ in range(iters):
            fn()
        times.append((clock() - t0) * 1e3 / iters)
    return sorted(times)[len(times) // 2]


def both(fn, iters):
    """Wall time and this process's CPU time (the fairer figure on a machine shared with other jobs)."""
    return {'wall': time_ms(fn, iters), 'cpu': time_ms(fn, iters, clock=time.process_time)}


def gumbel(shape):
    return -torch.log(-torch.log(torch.rand(shape).clamp(torch.finfo(torch.float32).tiny, 1 - 1e-7)))


def matching(batch, n, iters):
    torch.manual_seed(0)
    x = torch.randn(batch, n, n)
    arr = x.numpy().astype(np.float64)

    def numpy_loop():
        return [linear_sum_assignment(-m)[1] for m in arr]

    def tutorial_loop():
        # As the tutorial evaluates: tensor -> numpy, one solve per matrix, back to an int64 tensor.
        a = x.detach().cpu().numpy()
        return torch.from_numpy(np.stack([linear_sum_assignment(-m)[1] for m in a])).long()

    cost = float(sum(arr[i][np.arange(n), c].sum() for i, c in enumerate(numpy_loop())))
    return {'scipyNumpyLoop': both(numpy_loop, iters), 'scipyFromTensor': both(tutorial_loop, iters), 'cost': cost}


def ops(iters):
    torch.manual_seed(0)
    out = {}
    scores = torch.randn(100, 100, requires_grad=True)
    w = torch.randn(100, 100)

    def topk():
        y = relaxed_topk(scores, gumbel(scores.shape), 9, 1.0, False)
        (y * w).sum().backward()
        scores.grad = None
    out['relaxedTopK [100,100] k 9'] = both(topk, iters)
    for b, n in [(64, 4), (64, 9)]:
        la = torch.randn(b, n, n, requires_grad=True)
        wn = torch.randn(b, n, n)

        def gs():
            y = log_sinkhorn((la + gumbel(la.shape)) / 0.1, 20)
            (y * wn).sum().backward()
            la.grad = None
        out[f'gumbelSinkhorn [{b},{n},{n}] tau 0.1 iters 20'] = both(gs, iters)
    return out


if __name__ == '__main__':
    torch.set_num_threads(int(os.environ.get('GT_BENCH_THREADS', torch.get_num_threads())))
    if sys.argv[1] == 'matching':
        print(json.dumps(matching(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))))
    else:
        print(json.dumps(ops(int(sys.argv[2]))))
