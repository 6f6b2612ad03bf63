"""A model using every nn layer type gumbel-torch has, for test/nn-state-dict.test.ts.

  nn_every_layer.py make OUT   writes OUT/py_every.pt ({'state_dict', 'x', 'tokens'}) from a seeded model
                               after one training-mode step (so the running statistics are not the
                               defaults) and prints its eval-mode output as JSON
  nn_every_layer.py check PT   loads gumbel-torch's torch.save of {'state_dict', 'x', 'tokens'} into the
                               same model with load_state_dict(strict=True) and prints the eval output
"""
import json
import sys

import torch
import torch.nn as nn


class Every(nn.Module):
    def __init__(self):
        super().__init__()
        self.image = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding='same', padding_mode='reflect'),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.Dropout2d(0.3),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 8, 3, padding=1, padding_mode='circular'),
            nn.GroupNorm(2, 8),
            nn.ELU(),
            nn.ConvTranspose2d(8, 4, 2, stride=2),
            nn.AvgPool2d(2),
            nn.Conv2d(4, 4, 2, padding='same', padding_mode='replicate'),
            nn.AdaptiveAvgPool2d(2),
            nn.Flatten(),
            nn.Identity(),
        )
        self.heads = nn.ModuleDict({
            'seq': nn.Sequential(nn.Conv1d(6, 6, 3, padding='same'), nn.BatchNorm1d(6), nn.MaxPool1d(2),
                                 nn.ConvTranspose1d(6, 4, 2, stride=2), nn.AvgPool1d(2), nn.AdaptiveAvgPool1d(2), nn.Flatten()),
            'mix': nn.Sequential(nn.Linear(24, 16), nn.LayerNorm(16), nn.Dropout(0.2), nn.Sigmoid(), nn.Unflatten(1, (4, 4))),
        })
        self.embed = nn.Embedding(20, 6, padding_idx=0)
        self.extra = nn.ModuleList([nn.Linear(4, 4)])

    def forward(self, x, tokens):
        a = self.image(x)
        b = self.heads['seq'](self.embed(tokens).transpose(1, 2))
        return self.extra[0](self.heads['mix'](torch.cat([a, b], 1)))


def main():
    mode, where = sys.argv[1], sys.argv[2]
    m = Every()
    if mode == 'make':
        torch.manual_seed(11)
        m = Every()
        x = torch.randn(4, 3, 8, 8)
        tokens = torch.randint(0, 20, (4, 8))
        m(x, tokens)  # training mode: batch statistics move the running ones
        m.eval()
        torch.save({'state_dict': m.state_dict(), 'x': x, 'tokens': tokens}, f'{where}/py_every.pt')
        y = m(x, tokens)
        print(json.dumps({'y': y.detach().double().reshape(-1).tolist(), 'keys': list(m.state_dict().keys())}))
    else:
        d = torch.load(where)
        m.load_state_dict(d['state_dict'], strict=True)
        m.eval()
        y = m(d['x'], d['tokens'])
        print(json.dumps({'y': y.detach().double().reshape(-1).tolist()}))


if __name__ == '__main__':
    main()
