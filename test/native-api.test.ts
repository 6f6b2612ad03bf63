// The typed contract of the addon (lib/native-api.ts) against the addon itself: a native added in C++
// without a type, or a typed name the addon lacks, fails here; the compiler checks the call sites;
// a file the contract names that moved or lost the export fails too.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NATIVE_EXPORTS } from '../lib/native-api';
import { native } from '../lib/native';
import * as torch from '../lib';

const CLASSES = ['NativeAdam', 'NativeReducer'];
const CONSTANTS = ['fusedAdamAvailable'];

describe('native contract', () => {
  test("the addon's exports are exactly the typed names", () => {
    expect(Object.keys(native).sort()).toEqual(Object.keys(NATIVE_EXPORTS).sort());
  });

  test('each export is registered, by its quoted name, in the native/ file the contract names', () => {
    const root = path.join(__dirname, '..', 'native');
    const text = new Map<string, string>();
    const read = (file: string): string => {
      const p = path.join(root, file);
      if (!text.has(file)) text.set(file, fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '');
      return text.get(file) ?? '';
    };
    const stale = Object.entries(NATIVE_EXPORTS).filter(([name, file]) => !read(file).includes(`"${name}"`));
    expect(stale).toEqual([]);
  });

  test('the contract owns its wire types: it imports nothing from the modules built on it', () => {
    const src = fs.readFileSync(path.join(__dirname, '..', 'lib', 'native-api.ts'), 'utf8');
    const from = [...src.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    expect(from.filter((f) => /distributed|runtime|optim|train|cli/.test(f))).toEqual([]);
  });

  test('every typed function is a function, every constant a boolean', () => {
    const record = native as unknown as Record<string, unknown>;
    for (const name of Object.keys(NATIVE_EXPORTS)) {
      const want = CONSTANTS.includes(name) ? 'boolean' : 'function';
      expect([name, typeof record[name]]).toEqual([name, want]);
    }
    expect(CLASSES.every((c) => c in NATIVE_EXPORTS)).toBe(true);
  });

  test('the natives that had no caller are reachable: stride(), initialSeed(), Module.zeroGrad', () =>
    torch.scope(() => {
      const x = torch.zeros([2, 3, 4]);
      expect(x.stride()).toEqual([12, 4, 1]);
      expect(x.permute([2, 0, 1]).stride()).toEqual([1, 12, 4]);
      expect(x.stride(1)).toBe(4);
      expect(x.stride(-1)).toBe(1);
      expect(() => x.stride(3)).toThrow(RangeError);
      torch.manualSeed(123456789);
      expect(torch.initialSeed()).toBe(123456789);
      const m = new torch.nn.Linear(3, 2);
      m.forward(torch.ones([1, 3])).sum().backward();
      expect(m.parameters().every((p) => p.grad !== undefined)).toBe(true);
      m.zeroGrad();
      expect(m.parameters().map((p) => p.grad)).toEqual([undefined, undefined]);
    }));

  test('fill_ takes a number or a boolean, and says so for anything else', () =>
    torch.scope(() => {
      expect(torch.zeros([2]).fill_(3).toArray()).toEqual([3, 3]);
      expect(() => torch.zeros([2]).fill_(torch.ones([]) as unknown as number)).toThrow(/fill_: value must be a number or a boolean, got/);
    }));
});
