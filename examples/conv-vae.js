#!/usr/bin/env node
// A PyTorch user's conv VAE with Gumbel-Softmax latents, ported line for line from its PyTorch version
// (scripts/conv_vae_pytorch.py): Conv2d + BatchNorm2d encoder, ConvTranspose2d decoder, 8 categorical
// latents of 10 categories, Adam, real MNIST.
//   node examples/conv-vae.js [--epochs 1] [--batch-size 64] [--limit 60000]
// (after `npm run build`; inside this repo 'gumbel-torch' resolves to the package itself)
'use strict';
const torch = require('gumbel-torch');

const { nn } = torch;

class ConvVAE extends nn.Module {
  constructor(latents = 8, categories = 10) {
    super();
    this.latents = latents;
    this.categories = categories;
    this.encoder = new nn.Sequential(
      new nn.Conv2d(1, 16, 4, { stride: 2, padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(), // 16 x 14 x 14
      new nn.Conv2d(16, 32, 4, { stride: 2, padding: 1 }), new nn.BatchNorm2d(32), new nn.ReLU(), // 32 x 7 x 7
      new nn.Flatten(), new nn.Linear(32 * 7 * 7, latents * categories),
    );
    this.decoder = new nn.Sequential(
      new nn.Linear(latents * categories, 32 * 7 * 7), new nn.ReLU(), new nn.Unflatten(1, [32, 7, 7]),
      new nn.ConvTranspose2d(32, 16, 4, { stride: 2, padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(), // 16 x 14 x 14
      new nn.ConvTranspose2d(16, 1, 4, { stride: 2, padding: 1 }), new nn.Sigmoid(), // 1 x 28 x 28
    );
  }

  /** x: [B, 1, 28, 28] in [0, 1]. noise: Gumbel noise [B, latents, categories] to use (else drawn). */
  forward(x, tau = 1, noise = undefined) {
    const logits = this.encoder.forward(x).view(-1, this.latents, this.categories);
    const z = torch.gumbelSoftmax(logits, { tau, noise });
    return { recon: this.decoder.forward(z.view(-1, this.latents * this.categories)), qy: logits.softmax(-1) };
  }

  /** BCE summed over pixels / batch + KL(q(y|x) || uniform categorical). */
  loss(recon, x, qy) {
    const bce = torch.binaryCrossEntropy(recon, x, { reduction: 'sum' }).div(x.shape[0]);
    return bce.add(qy.mul(qy.mul(this.categories).add(1e-20).log()).sum(-1).mean());
  }
}

/** One Adam step on x; returns the loss (a number). Everything made inside is freed. */
function trainStep(model, opt, x, tau, noise) {
  return torch.scope(() => {
    opt.zeroGrad();
    const { recon, qy } = model.forward(x, tau, noise);
    const loss = model.loss(recon, x, qy);
    loss.backward();
    opt.step();
    return loss.item();
  });
}

function main(argv) {
  const flag = (name, dflt) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
  const epochs = flag('--epochs', 1);
  const batch = flag('--batch-size', 64);
  const images = torch.data.loadImages('train', { limit: flag('--limit', 60000) }).view(-1, 1, 28, 28);
  torch.manualSeed(0);
  const model = new ConvVAE();
  const opt = new torch.optim.Adam(model.parameters(), { lr: 1e-3 });
  const n = images.shape[0];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const perm = torch.randperm(n);
    let sum = 0;
    let steps = 0;
    const t0 = Date.now();
    for (let i = 0; i + batch <= n; i += batch) {
      const x = torch.scope(() => images.indexSelect(0, perm.narrow(0, i, batch)));
      sum += trainStep(model, opt, x, 1.0);
      x.dispose();
      steps++;
      if (steps % 100 === 0) console.log(`epoch ${epoch} step ${steps}: loss ${(sum / steps).toFixed(2)}`);
    }
    perm.dispose();
    console.log(`epoch ${epoch}: mean loss ${(sum / steps).toFixed(2)} over ${steps} steps, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}

module.exports = { ConvVAE, trainStep };
if (require.main === module) main(process.argv.slice(2));
