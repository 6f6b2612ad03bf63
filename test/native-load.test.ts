// Load failures of the addon are explained with their cause and a fix, in the manner of sharp.
import { explainLoadError } from '../lib/native';

const f = '/x/build/Release/gumbel_torch.node';
test('a missing LibTorch library says what to install', () => {
  const m = explainLoadError(new Error('libtorch_cpu.so: cannot open shared object file: No such file or directory'), f);
  expect(m).toMatch(/libtorch_cpu.so was not found/);
  expect(m).toMatch(/apt-get install libtorch-dev libopenblas0-pthread/);
});
test('a missing CUDA runtime names CUDA', () => {
  expect(explainLoadError(new Error('libcudart.so.13: cannot open shared object file'), f)).toMatch(/links CUDA LibTorch/);
});
test('an ABI or version mismatch says to rebuild against the LibTorch in use', () => {
  expect(explainLoadError(new Error('undefined symbol: _ZN3c1010TensorImpl'), f)).toMatch(/different LibTorch \(or a different C\+\+11 ABI\).*\n.*npm rebuild gumbel-torch/);
});
test('another Node.js says to rebuild', () => {
  expect(explainLoadError(new Error('was compiled against a different Node.js version using NODE_MODULE_VERSION 115'), f)).toMatch(/npm rebuild/);
});
