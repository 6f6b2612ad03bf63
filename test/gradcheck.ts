// A float64 finite-difference gradient check, as torch.autograd.gradcheck: the gradient of
// sum(f(inputs) * w) from backward() against central differences, input by input, element by element.
import * as torch from '../lib';

export interface GradcheckResult {
  /** The largest |analytic - numeric| / max(1, |numeric|) over every element of every input. */
  maxError: number;
}

/** f gets float64 leaves (requiresGrad set); w is a fixed pseudo-random float64 weight per output element. */
export function gradcheck(f: (...xs: torch.Tensor[]) => torch.Tensor, inputs: torch.Tensor[], eps = 1e-6): GradcheckResult {
  return torch.scope(() => {
    const xs = inputs.map((x) => (x.isFloatingPoint ? x.double().detach().requiresGrad_() : x));
    const out = f(...xs);
    const n = out.numel();
    const w = torch.fromTypedArray(Float64Array.from({ length: n }, (_, i) => Math.sin(1 + 2.5 * i)), out.shape);
    const loss = (ys: torch.Tensor[]): number => torch.noGrad(() => f(...ys).double().mul(w).sum().item() as number);
    out.double().mul(w).sum().backward();
    let maxError = 0;
    xs.forEach((x, k) => {
      if (!x.isFloatingPoint) return;
      const analytic = x.grad === undefined ? new Float64Array(x.numel()) : (x.grad.data() as Float64Array);
      const base = x.detach().data() as Float64Array;
      for (let i = 0; i < base.length; i++) {
        const at = (d: number): torch.Tensor => {
          const v = Float64Array.from(base);
          v[i] += d;
          return torch.fromTypedArray(v, x.shape);
        };
        const others = (t: torch.Tensor): torch.Tensor[] => xs.map((y, j) => (j === k ? t : y.detach()));
        const numeric = (loss(others(at(eps))) - loss(others(at(-eps)))) / (2 * eps);
        const err = Math.abs(analytic[i] - numeric) / Math.max(1, Math.abs(numeric));
        if (!(err <= maxError)) maxError = Number.isNaN(err) ? Infinity : err;
      }
    });
    return { maxError };
  });
}
