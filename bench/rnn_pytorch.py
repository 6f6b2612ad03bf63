#!/usr/bin/python3
"""PyTorch's side of bench/rnn.js: a training step of a GRU or LSTM (input 28, hidden 256, 49 time steps,
batch 64) with a Linear(256, 10) head on the last hidden state, loss mean(head^2), Adam (foreach=False,
torch 1.13's CPU default). Reads one model name per line on stdin ('gru', 'lstm'), runs ITERS steps of it
and prints the wall and CPU (process_time) ms per step, so that bench/rnn.js can interleave its reps with ours (the machine is shared:
alternating cancels most of the drift in load)."""
import sys, time
import torch

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else torch.get_num_threads())
ITERS = int(sys.argv[2]) if len(sys.argv) > 2 else 10


def make(kind):
    torch.manual_seed(0)
    rnn = getattr(torch.nn, kind)(28, 256)
    head = torch.nn.Linear(256, 10)
    opt = torch.optim.Adam(list(rnn.parameters()) + list(head.parameters()), lr=1e-3)
    x = torch.randn(49, 64, 28)

    def step():
        opt.zero_grad(set_to_none=True)
        out, h = rnn(x)
        h = h[0] if isinstance(h, tuple) else h
        loss = head(h[0]).pow(2).mean()
        loss.backward()
        opt.step()

    return step


steps = {'gru': make('GRU'), 'lstm': make('LSTM')}
for line in sys.stdin:
    step = steps[line.strip()]
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(ITERS):
        step()
    print((time.perf_counter() - t0) * 1000 / ITERS, (time.process_time() - c0) * 1000 / ITERS, flush=True)
