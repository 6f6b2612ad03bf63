// Largest-Triangle-Three-Buckets: at most `n` of the points, chosen so the line keeps its shape
// (peaks and dips survive), so a page draws 100,000-step curves from a few hundred points.
export function lttb(steps: Float64Array, values: Float64Array, n: number): [number, number][] {
  const len = steps.length;
  if (len <= n || n < 3) return Array.from(steps, (s, i) => [s, values[i]]);
  const out: [number, number][] = [[steps[0], values[0]]];
  const every = (len - 2) / (n - 2);
  let a = 0;
  for (let i = 0; i < n - 2; i++) {
    // The next bucket's mean is the third corner of the triangles.
    const nextStart = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, len);
    let mx = 0;
    let my = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      mx += steps[j];
      my += values[j];
    }
    const m = Math.max(1, nextEnd - nextStart);
    mx /= m;
    my /= m;
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const area = Math.abs((steps[a] - mx) * (values[j] - values[a]) - (steps[a] - steps[j]) * (my - values[a]));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push([steps[best], values[best]]);
    a = best;
  }
  out.push([steps[len - 1], values[len - 1]]);
  return out;
}
