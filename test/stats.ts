// Chi-square goodness of fit for the statistical tests.

// ln Γ(x), Lanczos approximation.
function lnGamma(x: number): number {
  const g = 7;
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

// Regularised upper incomplete gamma Q(a, x) (Numerical Recipes' series / continued fraction).
function gammaQ(a: number, x: number): number {
  if (x < a + 1) {
    let sum = 1 / a;
    let del = sum;
    for (let n = 1; n < 1000; n++) {
      del *= x / (a + n);
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
  }
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** softmax of plain numbers (the probabilities a categorical sampler should reproduce). */
export function softmax(l: number[]): number[] {
  const m = Math.max(...l);
  const e = l.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** p-value of observed counts against probabilities; bins expecting < 5 are pooled. */
export function chiSquareP(observed: number[], probs: number[]): { stat: number; df: number; p: number } {
  const n = observed.reduce((a, b) => a + b, 0);
  const bins: [number, number][] = [];
  let pooledO = 0;
  let pooledE = 0;
  observed.forEach((o, i) => {
    const e = probs[i] * n;
    if (e < 5) {
      pooledO += o;
      pooledE += e;
    } else bins.push([o, e]);
  });
  if (pooledE > 0 || pooledO > 0) bins.push([pooledO, Math.max(pooledE, 1e-300)]);
  const stat = bins.reduce((s, [o, e]) => s + ((o - e) * (o - e)) / e, 0);
  const df = bins.length - 1;
  return { stat, df, p: df > 0 ? gammaQ(df / 2, stat / 2) : 1 };
}

test('chi-square helper: known quantile (df 9, x 16.919 -> p 0.05)', () => {
  const q = gammaQ(4.5, 16.919 / 2);
  expect(Math.abs(q - 0.05)).toBeLessThan(1e-3);
});
