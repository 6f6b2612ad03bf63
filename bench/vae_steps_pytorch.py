# PyTorch's side of bench/vae-steps.js: the seed step of ../shared/reference/tuned_vae.py (same model,
# loss, Adam and unrelaxed monitor, eager), over shuffled MNIST, timed after 20 warmup steps, with the
# process CPU time beside the wall time. Usage: python3 bench/vae_steps_pytorch.py MNIST_TRAIN_IDX STEPS;
# prints one JSON line {ms, cpuMs, relaxed, unrelaxed}. Threads come from the environment.
import json, sys, time
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn, optim
from torch.distributions.one_hot_categorical import OneHotCategorical

L, C, B = 30, 10, 100
torch.manual_seed(0)
xtr = torch.from_numpy(np.fromfile(sys.argv[1], dtype=np.uint8)[16:].reshape(-1, 784).copy()).float().div_(255)
steps = int(sys.argv[2])


class VAE(nn.Module):
    def __init__(s):
        super().__init__()
        s.fc1, s.fc2, s.fc3 = nn.Linear(784, 512), nn.Linear(512, 256), nn.Linear(256, L * C)
        s.fc4, s.fc5, s.fc6 = nn.Linear(L * C, 256), nn.Linear(256, 512), nn.Linear(512, 784)

    def encode(s, x):
        return F.relu(s.fc3(F.relu(s.fc2(F.relu(s.fc1(x)))))).view(-1, L, C)

    def decode(s, z):
        return torch.sigmoid(s.fc6(F.relu(s.fc5(F.relu(s.fc4(z))))))

    def forward(s, x, u):
        qy = s.encode(x)
        g = -torch.log(-torch.log(u + 1e-20) + 1e-20)
        return s.decode(F.softmax(qy + g, -1).view(-1, L * C)), F.softmax(qy, -1).reshape(-1, L * C)

    def forward_eval(s, x):
        qy = s.encode(x)
        return s.decode(OneHotCategorical(logits=qy).sample().view(-1, L * C)), F.softmax(qy, -1).reshape(-1, L * C)


def loss_fn(rec, x, qy):
    return F.binary_cross_entropy(rec, x, reduction='sum') / x.shape[0] + torch.sum(qy * torch.log(qy * C + 1e-20), -1).mean()


model = VAE()
opt = optim.Adam(model.parameters(), lr=1e-3)


def run(n):
    relaxed, unrelaxed, done = torch.zeros(()), torch.zeros(()), 0
    while done < n:
        perm = torch.randperm(xtr.shape[0])
        for i in range(min(n - done, xtr.shape[0] // B)):
            x = xtr[perm[i * B:(i + 1) * B]]
            opt.zero_grad(set_to_none=True)
            rec, qy = model(x, torch.rand(B, L, C))
            loss = loss_fn(rec, x, qy)
            loss.backward()
            opt.step()
            relaxed += loss.detach() * B
            with torch.no_grad():
                rec, qy = model.forward_eval(x)
                unrelaxed += loss_fn(rec, x, qy) * B
            done += 1
    return relaxed.item(), unrelaxed.item()


run(20)
w0, c0 = time.perf_counter(), time.process_time()
r, u = run(steps)
w1, c1 = time.perf_counter(), time.process_time()
print(json.dumps(dict(ms=(w1 - w0) * 1000 / steps, cpuMs=(c1 - c0) * 1000 / steps, relaxed=r / (steps * B), unrelaxed=u / (steps * B))))
