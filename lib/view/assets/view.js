// The run page: polls the server for the runs and their curves (only what changed), draws them as
// SVG with TensorBoard's smoothing, shows the pictures of each epoch with a slider and the runs'
// settings side by side. No libraries, no network beyond the server that served it.
/* global document, fetch, CSS -- a browser script */
'use strict';

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd', '#e6550d', '#31a354', '#756bb1', '#636363'];
const POLL_MS = 2000;
const POINTS = 600;
const state = { runs: [], hidden: new Set(), series: new Map(), images: new Map(), smoothing: 0.6, log: false };
const $ = (id) => document.getElementById(id);
const color = (id) => COLORS[id % COLORS.length];
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const svgEl = (name, attrs) => {
  const e = document.createElementNS('http://www.w3.org/2000/svg', name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
};

async function getJSON(url) {
  const r = await fetch(url, { cache: 'no-store' });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

// TensorBoard's smoothing: an exponential moving average, debiased for the first points.
function smooth(points, s) {
  if (s <= 0) return points;
  let last = 0;
  let weight = 0;
  return points.map(([x, y]) => {
    last = last * s + (1 - s) * y;
    weight = weight * s + (1 - s);
    return [x, last / weight];
  });
}

function niceTicks(lo, hi, n) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}
const fmt = (v) => (Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(4))));

function drawChart(fig, tag) {
  const W = 480;
  const H = 280;
  const L = 56;
  const R = 12;
  const T = 10;
  const B = 28;
  const runs = state.runs.filter((r) => !state.hidden.has(r.id) && state.series.get(tag)?.has(r.id));
  const lines = runs.map((r) => {
    const d = state.series.get(tag).get(r.id);
    const pts = state.log ? d.points.filter(([, y]) => y > 0) : d.points;
    return { run: r, d, raw: pts, smoothed: smooth(pts, state.smoothing) };
  });
  const all = lines.flatMap((l) => l.raw.concat(l.smoothed));
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': tag });
  if (all.length) {
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const [x, y] of all) {
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
    if (x1 === x0) x1 = x0 + 1;
    const ty = state.log ? Math.log10 : (v) => v;
    let [a, b] = [ty(y0), ty(y1)];
    // A flat curve (a constant lr; float rounding of the smoothing) gets a range around its value.
    const mag = Math.max(Math.abs(a), Math.abs(b));
    if (b - a <= mag * 1e-6) [a, b] = [a - (mag * 0.1 || 0.5), b + (mag * 0.1 || 0.5)];
    const pad = (b - a) * 0.05;
    a -= pad;
    b += pad;
    const sx = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
    const sy = (y) => T + (1 - (ty(y) - a) / (b - a)) * (H - T - B);
    const yt = state.log ? niceTicks(a, b, 5).map((e) => 10 ** e) : niceTicks(a, b, 5);
    for (const v of yt) {
      svg.append(svgEl('line', { class: 'grid', x1: L, x2: W - R, y1: sy(v), y2: sy(v) }));
      const t = svgEl('text', { x: L - 4, y: sy(v) + 3, 'text-anchor': 'end' });
      t.textContent = fmt(v);
      svg.append(t);
    }
    for (const v of niceTicks(x0, x1, 5)) {
      const t = svgEl('text', { x: sx(v), y: H - B + 14, 'text-anchor': 'middle' });
      t.textContent = fmt(v);
      svg.append(t);
    }
    svg.append(svgEl('line', { class: 'axis', x1: L, x2: L, y1: T, y2: H - B }), svgEl('line', { class: 'axis', x1: L, x2: W - R, y1: H - B, y2: H - B }));
    const path = (pts) => pts.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    for (const l of lines) {
      if (!l.raw.length) continue;
      if (state.smoothing > 0) svg.append(svgEl('path', { class: 'raw', stroke: color(l.run.id), d: path(l.raw) }));
      const last = l.raw[l.raw.length - 1];
      const p = svgEl('path', { class: 'line', stroke: color(l.run.id), d: path(l.smoothed), 'data-run': l.run.id, 'data-points': l.raw.length, 'data-total': l.d.total, 'data-last-step': last[0] });
      const title = svgEl('title');
      title.textContent = `${l.run.name}: ${fmt(last[1])} at step ${last[0]} (${l.d.total} points, ${l.raw.length} drawn)`;
      p.append(title);
      svg.append(p);
    }
    const xl = svgEl('text', { x: W - R, y: H - 2, 'text-anchor': 'end' });
    xl.textContent = 'step';
    svg.append(xl);
  }
  fig.querySelector('svg')?.remove();
  fig.append(svg);
}

function renderRuns() {
  const rows = state.runs.map((r) => {
    const last = (r.lastStep === undefined ? '' : `step ${r.lastStep}`) + (r.loaded < 1 ? ` (reading: ${Math.floor(r.loaded * 100)}%)` : '');
    const when = r.lastWallTime ? new Date(r.lastWallTime * 1000).toLocaleTimeString() : '';
    return `<tr class="${r.status}" data-run="${r.id}"><td><input type="checkbox" data-toggle="${r.id}" ${state.hidden.has(r.id) ? '' : 'checked'}> <span class="swatch" style="background:${color(r.id)}"></span></td><td>${esc(r.name)}</td><td class="state">${r.status}</td><td>${last}</td><td>${when}</td><td class="message">${esc(r.message || '')}</td></tr>`;
  });
  $('runs').innerHTML = `<tr><th></th><th>run</th><th>state</th><th>last</th><th>updated</th><th>problem</th></tr>${rows.join('')}`;
}

function renderCharts(tags) {
  const box = $('charts');
  if (!tags.length) return;
  box.querySelector('.empty')?.remove();
  for (const tag of tags) {
    let fig = box.querySelector(`figure[data-tag="${CSS.escape(tag)}"]`);
    if (!fig) {
      fig = document.createElement('figure');
      fig.className = 'chart';
      fig.dataset.tag = tag;
      fig.innerHTML = `<h3>${esc(tag)}</h3>`;
      const after = [...box.children].find((f) => f.dataset.tag > tag);
      box.insertBefore(fig, after || null);
    }
    drawChart(fig, tag);
  }
}

async function renderImages() {
  const box = $('images');
  const tags = [...new Set(state.runs.flatMap((r) => r.imageTags))].sort();
  if (!tags.length) return;
  box.querySelector('.empty')?.remove();
  for (const tag of tags) {
    let sec = box.querySelector(`div.image-tag[data-tag="${CSS.escape(tag)}"]`);
    if (!sec) {
      sec = document.createElement('div');
      sec.className = 'image-tag';
      sec.dataset.tag = tag;
      sec.innerHTML = `<h3>${esc(tag)}</h3><div class="image-row"></div>`;
      box.append(sec);
    }
    for (const r of state.runs.filter((x) => x.imageTags.includes(tag) && !state.hidden.has(x.id))) {
      const key = `${r.id}\u0000${tag}`;
      let info = state.images.get(key);
      if (!info || info.version !== r.version) {
        const { images } = await getJSON(`/api/images?run=${r.id}&tag=${encodeURIComponent(tag)}`);
        const atEnd = !info || info.index === info.list.length - 1;
        info = { version: r.version, list: images, index: atEnd ? images.length - 1 : info.index };
        state.images.set(key, info);
      }
      let card = sec.querySelector(`.image-card[data-run="${r.id}"]`);
      if (!card) {
        card = document.createElement('div');
        card.className = 'image-card';
        card.dataset.run = r.id;
        card.innerHTML = `<div><span class="swatch" style="background:${color(r.id)}"></span> ${esc(r.name)} <span class="which"></span></div><img alt="${esc(tag)}"><input type="range" min="0" step="1">`;
        card.querySelector('input').addEventListener('input', (ev) => {
          const i = state.images.get(key);
          i.index = Number(ev.target.value);
          showImage(card, r.id, tag, i);
        });
        sec.querySelector('.image-row').append(card);
      }
      showImage(card, r.id, tag, info);
    }
  }
}

function showImage(card, run, tag, info) {
  const slider = card.querySelector('input');
  slider.max = String(Math.max(0, info.list.length - 1));
  slider.value = String(info.index);
  const p = info.list[info.index];
  if (!p) return;
  card.querySelector('.which').textContent = `epoch ${p.step} (${info.index + 1}/${info.list.length})`;
  const src = `/api/image?run=${run}&tag=${encodeURIComponent(tag)}&index=${info.index}`;
  const img = card.querySelector('img');
  if (img.getAttribute('src') !== src) img.setAttribute('src', src);
}

// Histograms (latent usage per epoch): bars over each bucket, an epoch slider per run.
async function renderHistograms() {
  const box = $('histograms');
  const tags = [...new Set(state.runs.flatMap((r) => r.histogramTags || []))].sort();
  if (!tags.length) return;
  box.querySelector('.empty')?.remove();
  for (const tag of tags) {
    let sec = box.querySelector(`div.hist-tag[data-tag="${CSS.escape(tag)}"]`);
    if (!sec) {
      sec = document.createElement('div');
      sec.className = 'hist-tag';
      sec.dataset.tag = tag;
      sec.innerHTML = `<h3>${esc(tag)}</h3><div class="image-row"></div>`;
      box.append(sec);
    }
    for (const r of state.runs.filter((x) => (x.histogramTags || []).includes(tag) && !state.hidden.has(x.id))) {
      const key = `h${r.id}\u0000${tag}`;
      let info = state.images.get(key);
      if (!info || info.version !== r.version) {
        const { histograms } = await getJSON(`/api/histograms?run=${r.id}&tag=${encodeURIComponent(tag)}`);
        const atEnd = !info || info.index === info.list.length - 1;
        info = { version: r.version, list: histograms, index: atEnd ? histograms.length - 1 : info.index };
        state.images.set(key, info);
      }
      let card = sec.querySelector(`.image-card[data-run="${r.id}"]`);
      if (!card) {
        card = document.createElement('div');
        card.className = 'image-card hist-card';
        card.dataset.run = r.id;
        card.innerHTML = `<div><span class="swatch" style="background:${color(r.id)}"></span> ${esc(r.name)} <span class="which"></span></div><div class="bars"></div><input type="range" min="0" step="1">`;
        card.querySelector('input').addEventListener('input', (ev) => {
          const i = state.images.get(key);
          i.index = Number(ev.target.value);
          showHistogram(card, r.id, i);
        });
        sec.querySelector('.image-row').append(card);
      }
      showHistogram(card, r.id, info);
    }
  }
}

function showHistogram(card, run, info) {
  const slider = card.querySelector('input');
  slider.max = String(Math.max(0, info.list.length - 1));
  slider.value = String(info.index);
  const h = info.list[info.index];
  if (!h) return;
  card.querySelector('.which').textContent = `epoch ${h.step} (${info.index + 1}/${info.list.length})`;
  const W = 320;
  const H = 140;
  const B = 18;
  // Bucket i spans (bucketLimit[i-1], bucketLimit[i]]; the first one's left edge is the minimum.
  const lefts = h.bucket.map((_, i) => (i ? h.bucketLimit[i - 1] : Math.min(h.min, h.bucketLimit[0] - 1)));
  const x0 = lefts[0];
  const x1 = h.bucketLimit[h.bucketLimit.length - 1];
  const top = Math.max(1, ...h.bucket);
  const sx = (x) => ((x - x0) / (x1 - x0 || 1)) * (W - 8) + 4;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, 'data-step': h.step });
  h.bucket.forEach((n, i) => {
    if (!n) return;
    const y = (H - B) * (1 - n / top);
    const rect = svgEl('rect', { x: sx(lefts[i]), y, width: Math.max(1, sx(h.bucketLimit[i]) - sx(lefts[i]) - 1), height: H - B - y, fill: color(run) });
    const t = svgEl('title');
    t.textContent = `${fmt(lefts[i])} .. ${fmt(h.bucketLimit[i])}: ${n}`;
    rect.append(t);
    svg.append(rect);
  });
  for (const v of niceTicks(x0, x1, 6)) {
    const t = svgEl('text', { x: sx(v), y: H - 4, 'text-anchor': 'middle' });
    t.textContent = fmt(v);
    svg.append(t);
  }
  const bars = card.querySelector('.bars');
  bars.replaceChildren(svg);
}

function renderSettings() {
  const runs = state.runs.filter((r) => Object.keys(r.settings).length);
  if (!runs.length) return;
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.settings)))];
  const head = `<tr><th>setting</th>${runs.map((r) => `<th><span class="swatch" style="background:${color(r.id)}"></span> ${esc(r.name)}</th>`).join('')}</tr>`;
  const rows = keys.map((k) => {
    const vals = runs.map((r) => r.settings[k] ?? '');
    return `<tr class="${new Set(vals).size > 1 ? 'differs' : ''}"><td>${esc(k)}</td>${vals.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`;
  });
  $('settings').innerHTML = head + rows.join('');
}

async function tick() {
  try {
    const { runs } = await getJSON('/api/runs');
    state.runs = runs;
    renderRuns();
    const tags = [...new Set(runs.flatMap((r) => r.scalarTags))].sort();
    for (const tag of tags) {
      const have = state.series.get(tag) || new Map();
      state.series.set(tag, have);
      const known = [...have].map(([id, d]) => `${id}:${d.version}`).join(',');
      const data = await getJSON(`/api/scalars?tag=${encodeURIComponent(tag)}&points=${POINTS}&known=${known}`);
      for (const d of data.runs) have.set(d.id, d);
    }
    renderCharts(tags);
    renderSettings();
    await renderImages();
    await renderHistograms();
    $('status').textContent = `live · read ${new Date().toLocaleTimeString()}`;
    $('status').className = 'status';
  } catch (e) {
    $('status').textContent = `cannot reach the server (${e.message}); retrying`;
    $('status').className = 'status down';
  }
  setTimeout(tick, POLL_MS);
}

function redraw() {
  for (const fig of document.querySelectorAll('figure.chart')) drawChart(fig, fig.dataset.tag);
}

$('smoothing').addEventListener('input', (e) => {
  state.smoothing = Number(e.target.value);
  $('smoothing-value').textContent = state.smoothing.toFixed(2);
  redraw();
});
$('log-scale').addEventListener('change', (e) => {
  state.log = e.target.checked;
  redraw();
});
$('runs').addEventListener('change', (e) => {
  const id = Number(e.target.dataset.toggle);
  if (e.target.checked) state.hidden.delete(id);
  else state.hidden.add(id);
  redraw();
});
tick();
