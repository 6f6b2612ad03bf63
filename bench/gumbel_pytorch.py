# PyTorch side of bench/gumbel.js: F.gumbel_softmax forward + backward, ms per call (median of 5).
import json, sys, time
import torch
import torch.nn.functional as F

dev, shapes, iters = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
sync = torch.cuda.synchronize if dev == 'cuda' else (lambda: None)
out = {}
for shape in shapes:
    for hard in (False, True):
        logits = torch.randn(*shape, device=dev, requires_grad=True)
        gout = torch.randn(*shape, device=dev)
        def fn():
            y = F.gumbel_softmax(logits, tau=0.5, hard=hard)
            y.backward(gout)
            logits.grad = None
        for _ in range(10):
            fn()
        sync()
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(iters):
                fn()
            sync()
            times.append((time.perf_counter() - t0) * 1000 / iters)
        times.sort()
        out[f'{json.dumps(shape).replace(" ", "")}/{str(hard).lower()}'] = times[2]
print(json.dumps(out))
