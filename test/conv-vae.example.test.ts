// examples/conv-vae.js against its PyTorch twin (scripts/conv_vae_pytorch.py) run live on this CPU:
// the same initial weights (Python's state_dict loaded, strict), the same batches and Gumbel noise;
// the first 50 losses must be equal, bit for bit. Convolutions and BLAS round per CPU, so only a live run can judge.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as torch from '../lib';
import { ConvVAE, trainStep } from '../examples/conv-vae';
import { livePyTorch, runLiveReference, skipVisibly } from './helpers';

interface Ref { batches: number[][]; losses: number[]; latents: number; categories: number }

if (!livePyTorch.version) skipVisibly('conv VAE example: 50 losses equal PyTorch', livePyTorch.reason ?? 'no PyTorch');
else
  test(`conv VAE example: the first 50 losses equal PyTorch ${livePyTorch.version}'s bit for bit (live, batch 32)`, () => {
    const dir = runLiveReference('conv_vae_pytorch.py', ['$OUT', '50', '32']);
    const ref = JSON.parse(fs.readFileSync(path.join(dir, 'conv_vae.json'), 'utf8')) as Ref;
    const init = torch.load(path.join(dir, 'conv_vae_init.pt')) as Record<string, torch.Tensor>;
    const model = new ConvVAE();
    expect(Object.keys(model.stateDict())).toEqual(Object.keys(init));
    model.loadStateDict(init);
    const opt = new torch.optim.Adam(model.parameters(), { lr: 1e-3 });
    const images = torch.data.loadImages('train').view(-1, 1, 28, 28);
    const losses = ref.batches.map((idx, i) =>
      torch.scope(() => {
        const x = images.indexSelect(0, torch.tensor(idx, { dtype: 'int64' }));
        torch.manualSeed(1000 + i);
        const noise = torch.gumbelFromUniform(torch.rand([idx.length, ref.latents, ref.categories]), { formula: 'seed' });
        return trainStep(model, opt, x, 1.0, noise);
      }),
    );
    // Bit for bit: the same LibTorch kernels (oneDNN convolutions, BLAS) on the same CPU and threads.
    expect(losses).toEqual(ref.losses);
    expect(losses[49]).toBeLessThan(losses[0] * 0.7); // and it learns
    images.dispose();
    model.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 300_000);
