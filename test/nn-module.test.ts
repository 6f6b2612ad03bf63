// Module's tree methods as PyTorch's: train()/eval() through the tree, requiresGrad_, zeroGrad with
// setToNone both ways, apply (children first, then self), modules/children/namedModules.
import * as torch from '../lib';

const { nn } = torch;

class Block extends nn.Module {
  fc = new nn.Linear(3, 4);
  bn = new nn.BatchNorm1d(4);
  act = new nn.GELU();
  forward(x: torch.Tensor): torch.Tensor {
    return this.act.forward(this.bn.forward(this.fc.forward(x)));
  }
}
class Net extends nn.Module {
  a = new Block();
  b = new Block();
  head = new nn.Linear(4, 2);
}

describe('Module tree methods', () => {
  test('train()/eval() reach every submodule; train(false) is eval(); a non-boolean mode is refused', () => {
    const net = new Net();
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().map((m) => m.training)).toEqual(Array(net.modules().length).fill(false));
    net.a.train();
    expect([net.training, net.a.training, net.a.bn.training, net.b.bn.training]).toEqual([false, true, true, false]);
    net.train(false);
    expect(net.a.bn.training).toBe(false);
    expect(() => net.train('yes' as never)).toThrow(/mode must be a boolean/);
  });

  test("modules(), children(), namedModules(): PyTorch's order and names", () => {
    const net = new Net();
    expect([...net.namedModules()].map(([k]) => k)).toEqual(['', 'a', 'a.fc', 'a.bn', 'a.act', 'b', 'b.fc', 'b.bn', 'b.act', 'head']);
    expect(net.children()).toEqual([net.a, net.b, net.head]);
    expect(net.modules()[0]).toBe(net);
    expect(net.modules()).toHaveLength(10);
  });

  test('apply: depth first, children before their parent, returns this', () => {
    const net = new Net();
    const names = new Map(net.modules().map((m) => [m, [...net.namedModules()].find(([, n]) => n === m)![0]]));
    const order: string[] = [];
    expect(net.apply((m) => order.push(names.get(m)!))).toBe(net);
    expect(order).toEqual(['a.fc', 'a.bn', 'a.act', 'a', 'b.fc', 'b.bn', 'b.act', 'b', 'head', '']);
    // The usual use: re-initialise every Linear.
    torch.scope(() => {
      net.apply((m) => {
        if (m instanceof nn.Linear) nn.init.zeros_(m.weight);
      });
      expect(net.head.weight.abs().sum().item()).toBe(0);
      expect(net.a.fc.weight.abs().sum().item()).toBe(0);
    });
    expect(() => net.apply('init' as never)).toThrow(/apply: fn must be a function/);
  });

  test('requiresGrad_(false) freezes every parameter, requiresGrad_() thaws them; buffers untouched', () => {
    const net = new Net();
    expect(net.requiresGrad_(false)).toBe(net);
    expect(net.parameters().some((p) => p.requiresGrad)).toBe(false);
    expect(net.buffers().some((b) => b.requiresGrad)).toBe(false);
    net.a.requiresGrad_();
    expect(net.a.parameters().every((p) => p.requiresGrad)).toBe(true);
    expect(net.head.weight.requiresGrad).toBe(false);
    expect(() => net.requiresGrad_(1 as never)).toThrow(/requiresGrad must be a boolean/);
  });

  test('zeroGrad: setToNone (default) removes the gradients; setToNone false zeroes them in place', () =>
    torch.scope(() => {
      const lin = new nn.Linear(3, 2);
      const step = (): void => lin.forward(torch.randn([5, 3])).sum().backward();
      step();
      expect(lin.weight.grad).toBeDefined();
      lin.zeroGrad();
      expect(lin.weight.grad).toBeUndefined();
      expect(lin.bias?.grad).toBeUndefined();
      step();
      const g = lin.weight.grad as torch.Tensor;
      lin.zeroGrad({ setToNone: false });
      expect(lin.weight.grad).toBe(g); // the same gradient tensor, now zero
      expect(g.abs().sum().item()).toBe(0);
      step();
      expect(g.abs().sum().item()).toBeGreaterThan(0); // accumulates into it again
      expect(() => lin.zeroGrad({ set_to_none: false } as never)).toThrow(/did you mean 'setToNone'/);
      expect(() => lin.zeroGrad({ setToNone: 0 } as never)).toThrow(/setToNone must be a boolean/);
    }));
});
