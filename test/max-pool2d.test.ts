// F.max_pool2d's direct 2 x 2 / stride 2 kernel (native/kernels/max_pool2d.cc, on by default) against
// ATen's own kernel in the same process (setFastMaxPool2d(false)): the same values bit for bit (NaN,
// -0 and infinities included), the same winners (seen through the gradient, which ATen's backward
// routes by the indices), ties to the first, and every call outside the kernel's reach left to ATen.
import * as torch from '../lib';

afterEach(() => torch.setFastMaxPool2d(true));

type Pool = { kernel?: number | number[]; stride?: number | number[]; ceil?: boolean };

/** Output and input gradient of one max_pool2d, through the fast kernel or ATen's. */
function pooled(x: torch.Tensor, fast: boolean, o: Pool, grad: boolean): { out: number[]; grad?: number[] } {
  return torch.scope(() => {
    torch.setFastMaxPool2d(fast);
    const input = grad ? x.clone().requiresGrad_(true) : x;
    const y = torch.maxPool2d(input, o.kernel ?? 2, o.stride, 0, 1, o.ceil ?? false);
    const out = y.detach().flatten().toArray() as number[];
    if (!grad) return { out };
    // A distinct weight per output, so that the gradient names which input each output took.
    const w = torch.arange(1, y.numel() + 1, 1, { dtype: x.dtype }).reshape(y.shape);
    y.mul(w).sum().backward();
    return { out, grad: input.grad!.flatten().toArray() as number[] };
  });
}

/** Object.is per element: NaN equals NaN, -0 differs from 0. */
function expectSameBits(a: number[], b: number[]): void {
  expect(a.length).toBe(b.length);
  const differ = a.findIndex((v, i) => !Object.is(v, b[i]));
  expect(differ === -1 ? 'equal' : `element ${differ}: ${a[differ]} vs ${b[differ]}`).toBe('equal');
}

function expectAsAten(x: torch.Tensor, o: Pool = {}): void {
  for (const grad of [false, true]) {
    const fast = pooled(x, true, o, grad);
    const aten = pooled(x, false, o, grad);
    expectSameBits(fast.out, aten.out);
    if (grad) expectSameBits(fast.grad!, aten.grad!);
  }
}

/** Values that tie often, with NaN, infinities and both zeros among them. */
function hardValues(shape: number[], dtype: 'float32' | 'float64'): torch.Tensor {
  return torch.scope(() => {
    const pick = torch.randint(0, 8, shape);
    const table = torch.tensor([0, -0, 1, 1, -Infinity, Infinity, NaN, 2], { dtype });
    return table.indexSelect(0, pick.flatten()).reshape(shape);
  });
}

test('the switch checks its argument, reads back and is on by default', () => {
  expect(torch.fastMaxPool2d()).toBe(true);
  expect(() => torch.setFastMaxPool2d(0 as unknown as boolean)).toThrow(TypeError);
  torch.setFastMaxPool2d(false);
  expect(torch.fastMaxPool2d()).toBe(false);
});

test.each(['float32', 'float64'] as const)('%s: random sizes, 3-d and 4-d, plain and hard values, equal to ATen bit for bit', (dtype) => {
  torch.manualSeed(11);
  // Widths below 8 (rows of fewer than 4 windows), 8 (one block), odd ones (a dropped last column) and
  // widths past a block (the overlapping last block).
  for (const [h, w] of [[2, 2], [2, 3], [3, 7], [5, 8], [9, 9], [14, 14], [6, 17], [4, 30], [11, 2]]) {
    for (const shape of [[3, h, w], [2, 3, h, w]]) {
      torch.scope(() => {
        expectAsAten(torch.randn(shape, { dtype }));
        expectAsAten(hardValues(shape, dtype));
        expectAsAten(torch.full(shape, NaN, { dtype }));
        expectAsAten(torch.full(shape, -Infinity, { dtype }));
      });
    }
  }
});

test('the settings that mean the same window (stride given, pairs, ceil mode on even sides) take the kernel and agree', () => {
  torch.manualSeed(12);
  const x = hardValues([2, 4, 10, 12], 'float32');
  for (const o of [{ stride: 2 }, { kernel: [2, 2], stride: [2, 2] }, { ceil: true }]) expectAsAten(x, o);
  x.dispose();
});

test('calls outside the kernel go to ATen: other windows, odd sides in ceil mode, strided and channels-last inputs, other dtypes', () => {
  torch.manualSeed(13);
  const x = torch.randn([2, 3, 9, 11]);
  for (const o of [{ kernel: 3 }, { kernel: 2, stride: 1 }, { ceil: true }, { kernel: [2, 3] }]) expectAsAten(x, o);
  expectAsAten(x.transpose(2, 3));
  expectAsAten(x.permute([0, 2, 3, 1]).contiguous().permute([0, 3, 1, 2])); // channels-last strides
  // One channel in channels-last strides is contiguous as well; ATen keeps its output channels-last.
  const oneChannel = x.narrow(1, 0, 1).permute([0, 2, 3, 1]).contiguous().permute([0, 3, 1, 2]);
  expectAsAten(oneChannel);
  const strides = (fast: boolean): number[] =>
    torch.scope(() => {
      torch.setFastMaxPool2d(fast);
      return torch.maxPool2d(oneChannel, 2).stride();
    });
  expect(strides(true)).toEqual(strides(false));
  const half = torch.scope(() => {
    torch.setFastMaxPool2d(true);
    return torch.maxPool2d(x.to('bfloat16'), 2).dtype;
  });
  expect(half).toBe('bfloat16');
  // ATen's errors stay ATen's: a side of 1 has no 2 x 2 window.
  expect(() => torch.maxPool2d(torch.zeros([1, 1, 1, 4]), 2)).toThrow(/Output size is too small|too small/);
  x.dispose();
});

test('the training loop sees the same numbers: nn.MaxPool2d(2) in a small conv net, 3 SGD steps, on and off', () => {
  const run = (fast: boolean): number[] =>
    torch.scope(() => {
      torch.setFastMaxPool2d(fast);
      torch.manualSeed(14);
      const net = new torch.nn.Sequential(new torch.nn.Conv2d(1, 4, 3, { padding: 1 }), new torch.nn.MaxPool2d(2), new torch.nn.ReLU(), new torch.nn.Flatten(), new torch.nn.Linear(4 * 7 * 7, 3));
      const opt = new torch.optim.SGD(net.parameters(), { lr: 0.1 });
      const x = torch.randn([8, 1, 14, 14]);
      const losses: number[] = [];
      for (let step = 0; step < 3; step++) {
        opt.zeroGrad();
        const loss = net.forward(x).pow(2).mean();
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      return [...losses, ...(net.parameters().flatMap((p) => p.flatten().toArray()) as number[])];
    });
  expectSameBits(run(true), run(false));
});
