#!/usr/bin/python3
"""Writes test/fixtures/distributed_sampler.json: the indices PyTorch's DistributedSampler gives each
rank, for shuffled and ordered datasets, uneven sizes (padding) and drop_last, over several epochs.

Run with Debian's torch:  /usr/bin/python3 scripts/make_distributed_fixtures.py
"""
import json, os
import torch
from torch.utils.data import DistributedSampler

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'distributed_sampler.json')
CASES = [
    # (dataset length, replicas, shuffle, seed, epochs, drop_last)
    (10, 2, True, 0, [0, 1, 5], False),
    (11, 3, True, 7, [0, 2], False),
    (11, 3, True, 7, [0, 2], True),
    (5, 4, False, 0, [0], False),
    (2, 5, True, 3, [0, 1], False),   # padding longer than the dataset
    (60000, 2, True, 0, [0, 1], False),
    (7, 2, False, 0, [0], True),
]
cases = []
for n, reps, shuffle, seed, epochs, drop_last in CASES:
    for epoch in epochs:
        ranks = []
        for rank in range(reps):
            s = DistributedSampler(range(n), num_replicas=reps, rank=rank, shuffle=shuffle, seed=seed, drop_last=drop_last)
            s.set_epoch(epoch)
            ranks.append(list(s))
        cases.append(dict(n=n, numReplicas=reps, shuffle=shuffle, seed=seed, epoch=epoch, dropLast=drop_last,
                          numSamples=len(ranks[0]), ranks=ranks if n < 1000 else None,
                          heads=[r[:20] for r in ranks], sums=[sum(r) for r in ranks]))
with open(OUT, 'w') as f:
    json.dump(dict(torch=torch.__version__, cases=cases), f)
print('wrote', OUT)
