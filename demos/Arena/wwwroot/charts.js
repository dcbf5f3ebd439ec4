'use strict';
// Small line charts on a canvas: no library. series: [{ label, colour, values }], all of the same length.
window.lineChart = function (canvas, title, series, options) {
  const ctx = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, left = 46, right = 8, top = 20, bottom = 18;
  const log = !!options.log;
  const f = v => (log ? Math.log10(Math.max(v, 1e-8)) : v);
  let min = options.min, max = options.max;
  if (min === undefined || max === undefined) {
    const all = [];
    for (const s of series) for (const v of s.values) if (v !== null) all.push(f(v));
    all.sort((p, q) => p - q);
    // Linear charts scale to the 98th percentile (a stall on a busy machine must not flatten the rest); log charts
    // to whole decades.
    let lo = all.length ? all[0] : 0, hi = all.length ? (log ? all[all.length - 1] : all[Math.floor(0.98 * (all.length - 1))]) : 1;
    if (options.hline !== undefined && options.hline !== null) hi = Math.max(hi, f(options.hline));
    if (hi - lo < 1e-9) { hi = lo + 1; }
    min = min === undefined ? (log ? Math.floor(lo) : Math.min(0, lo)) : f(min);
    max = max === undefined ? (log ? Math.ceil(hi) : hi * 1.15) : f(max);
  }
  const y = v => top + (h - top - bottom) * (1 - (Math.min(f(v), max) - min) / (max - min));
  ctx.fillStyle = '#111418'; ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#e8eaed'; ctx.font = '12px system-ui, sans-serif'; ctx.fillText(title, left, 13);
  ctx.strokeStyle = '#333a42'; ctx.fillStyle = '#9aa0a6'; ctx.font = '10px system-ui, sans-serif';
  const ticks = log ? Array.from({ length: max - min + 1 }, (_, i) => min + i) : [0, 1, 2, 3, 4].map(i => min + (max - min) * i / 4);
  for (const v of ticks) {
    const py = top + (h - top - bottom) * (1 - (v - min) / (max - min));
    ctx.beginPath(); ctx.moveTo(left, py); ctx.lineTo(w - right, py); ctx.stroke();
    ctx.fillText(log ? '1e' + v : (Math.abs(v) < 10 ? v.toFixed(max - min < 0.2 ? 3 : 2) : v.toFixed(0)), 2, py + 3);
  }
  if (options.hline !== undefined && options.hline !== null) {
    ctx.strokeStyle = '#ff5252'; ctx.setLineDash([4, 3]);
    ctx.beginPath(); ctx.moveTo(left, y(options.hline)); ctx.lineTo(w - right, y(options.hline)); ctx.stroke();
    ctx.setLineDash([]);
  }
  let legendX = left;
  for (const s of series) {
    const n = s.values.length, dx = (w - left - right) / Math.max(1, (options.capacity || n) - 1);
    ctx.strokeStyle = s.colour; ctx.lineWidth = 1.5; ctx.beginPath();
    let started = false;
    s.values.forEach((v, i) => {
      if (v === null) { started = false; return; }
      const px = left + i * dx, py = y(v);
      if (started) ctx.lineTo(px, py); else { ctx.moveTo(px, py); started = true; }
    });
    ctx.stroke(); ctx.lineWidth = 1;
    ctx.fillStyle = s.colour; ctx.fillText(s.label, legendX, h - 5); legendX += ctx.measureText(s.label).width + 12;
  }
};
