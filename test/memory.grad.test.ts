// Reading .grad does not make a new live tensor each time: torch.memory() counts one gradient once.
import * as torch from '../lib';

test('10,000 reads of .grad add one live tensor, not 10,000', () => {
  const w = torch.randn([100, 100]).requiresGrad_();
  w.sum().backward();
  const before = torch.memory();
  for (let i = 0; i < 10000; i++) void w.grad;
  const after = torch.memory();
  expect(after.liveTensors - before.liveTensors).toBeLessThanOrEqual(1);
  expect(after.liveBytes - before.liveBytes).toBeLessThanOrEqual(100 * 100 * 4);
  expect(w.grad).toBe(w.grad);
  w.dispose();
});

test('a new gradient, a cleared one, and a disposed wrapper each give the right answer', () => {
  const w = torch.ones([3]).requiresGrad_();
  w.mul(2).sum().backward();
  const g1 = w.grad as torch.Tensor;
  expect(Array.from(g1.data() as Float32Array)).toEqual([2, 2, 2]);
  w.grad = torch.zeros([3]); // a different tensor: a different wrapper
  const g2 = w.grad as torch.Tensor;
  expect(g2).not.toBe(g1);
  expect(Array.from(g2.data() as Float32Array)).toEqual([0, 0, 0]);
  g2.dispose(); // the caller freed it: the next read makes a live one
  expect((w.grad as torch.Tensor).isDisposed).toBe(false);
  torch.scope(() => void w.grad); // read first in a scope elsewhere: still usable after
  expect(Array.from((w.grad as torch.Tensor).data() as Float32Array)).toEqual([0, 0, 0]);
  w.grad = undefined;
  expect(w.grad).toBeUndefined();
  w.dispose();
});
