// The model of scripts/nn_every_layer.py in gumbel-torch: every nn layer type, nested in Sequential,
// ModuleDict and ModuleList, so its state dict has PyTorch's keys for all of them.
import * as torch from '../lib';

const nn = torch.nn;

export class Every extends nn.Module {
  image = new nn.Sequential(
    new nn.Conv2d(3, 8, 3, { padding: 'same', paddingMode: 'reflect' }),
    new nn.BatchNorm2d(8),
    new nn.ReLU(),
    new nn.Dropout2d(0.3),
    new nn.MaxPool2d(2),
    new nn.Conv2d(8, 8, 3, { padding: 1, paddingMode: 'circular' }),
    new nn.GroupNorm(2, 8),
    new nn.ELU(),
    new nn.ConvTranspose2d(8, 4, 2, { stride: 2 }),
    new nn.AvgPool2d(2),
    new nn.Conv2d(4, 4, 2, { padding: 'same', paddingMode: 'replicate' }),
    new nn.AdaptiveAvgPool2d(2),
    new nn.Flatten(),
    new nn.Identity(),
  );
  heads = new nn.ModuleDict<torch.nn.Sequential>({
    seq: new nn.Sequential(new nn.Conv1d(6, 6, 3, { padding: 'same' }), new nn.BatchNorm1d(6), new nn.MaxPool1d(2), new nn.ConvTranspose1d(6, 4, 2, { stride: 2 }), new nn.AvgPool1d(2), new nn.AdaptiveAvgPool1d(2), new nn.Flatten()),
    mix: new nn.Sequential(new nn.Linear(24, 16), new nn.LayerNorm(16), new nn.Dropout(0.2), new nn.Sigmoid(), new nn.Unflatten(1, [4, 4])),
  });
  embed = new nn.Embedding(20, 6, { paddingIdx: 0 });
  extra = new nn.ModuleList([new nn.Linear(4, 4)]);

  forward(x: torch.Tensor, tokens: torch.Tensor): torch.Tensor {
    const a = this.image.forward(x);
    const b = this.heads.get('seq').forward(this.embed.forward(tokens).transpose(1, 2));
    return (this.extra.at(0) as torch.nn.Linear).forward(this.heads.get('mix').forward(torch.cat([a, b], 1)));
  }
}
