// File formats with CUDA tensors (runs on the GPU machine; skipped with a reason elsewhere).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../lib';
import { describeCuda } from './helpers';

const FIX = path.join(__dirname, 'fixtures', 'serialize');

describeCuda('files on CUDA', () => {
  test('load(mapLocation: cuda) keeps views of one storage sharing it', () => {
    const d = torch.load(path.join(FIX, 'dtypes.pt'), { mapLocation: 'cuda' }) as Record<string, torch.Tensor>;
    expect(d.base.device).toBe('cuda:0');
    d.base.add_(100);
    expect(Array.from(d.row.cpu().data() as Float32Array)).toEqual([104, 105, 106, 107]);
  });
  test('save() of CUDA tensors, safetensors to the device, and Adam state onto CUDA parameters', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-cuda-files-'));
    const x = torch.randn([3, 4], { device: 'cuda' });
    torch.save({ x }, path.join(dir, 'x.pt'));
    const back = (torch.load(path.join(dir, 'x.pt')) as { x: torch.Tensor }).x;
    expect(Array.from(back.data() as Float32Array)).toEqual(Array.from(x.cpu().data() as Float32Array));
    torch.saveSafetensors({ x }, path.join(dir, 'x.safetensors'));
    expect(torch.loadSafetensors(path.join(dir, 'x.safetensors'), { device: 'cuda' }).x.device).toBe('cuda:0');
    const ck = torch.load(path.join(FIX, 'adam.pt')) as unknown as { model: Record<string, torch.Tensor>; optimizer: torch.optim.AdamStateDict };
    const params = Object.values(ck.model).map((t) => t.to('cuda').requiresGrad_());
    const opt = new torch.optim.Adam(params, { lr: 0.01, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1 });
    opt.loadStateDict(ck.optimizer);
    params.forEach((p) => (p.grad = torch.onesLike(p)));
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '1', '2', '3']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
