#!/usr/bin/python3
"""PyTorch's side of bench/optim.js: ms per optimizer step over the seed VAE's parameter shapes
(784-512-256-300-256-512-784 Linear layers), gradients set once. Prints JSON {name: ms}."""
import json, sys, time
import torch

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else torch.get_num_threads())
SHAPES = [[512, 784], [512], [256, 512], [256], [300, 256], [300], [256, 300], [256], [512, 256], [512], [784, 512], [784]]
SETS = {
    'SGD momentum+nesterov+wd': lambda ps: torch.optim.SGD(ps, lr=0.01, momentum=0.9, nesterov=True, weight_decay=5e-4, foreach=False),
    'AdamW': lambda ps: torch.optim.AdamW(ps, foreach=False),
    'RMSprop centered+momentum': lambda ps: torch.optim.RMSprop(ps, momentum=0.9, centered=True, foreach=False),
    'Adagrad': lambda ps: torch.optim.Adagrad(ps, foreach=False),
}
out = {}
for name, make in SETS.items():
    torch.manual_seed(0)
    ps = [torch.randn(s, requires_grad=True) for s in SHAPES]
    for p in ps:
        p.grad = torch.randn(p.shape) * 1e-3
    opt = make(ps)
    for _ in range(20):
        opt.step()
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(50):
            opt.step()
        times.append((time.perf_counter() - t0) * 1000 / 50)
    out[name] = sorted(times)[2]
print(json.dumps(out))
