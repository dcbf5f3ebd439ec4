'use strict';
// Small line charts on a canvas: no library. series: [{ label, colour, values }], all of the same length.
window.lineChart = function (canvas, title, series, options) {
  const ctx = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, left = 46, right = 8, top = 20, bottom = 18;
  const log = !!options.log;
  const f = v => (log ? Math.log10(Math.max(v, 1e-8)) : v);
  let min = options.min, max = options.max;
  if (min === undefined || max === undefined) {
    let lo = Infinity, hi = -Infinity;
    for (const s of series) for (const v of s.values) { if (v === null) continue; lo = Math.min(lo, f(v)); hi = Math.max(hi, f(v)); }
    if (options.hline !== undefined && options.hline !== null) hi = Math.max(hi, f(options.hline));
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    if (hi - lo < 1e-9) { hi = lo + 1; }
    min = min === undefined ? (log ? Math.floor(lo) : Math.min(0, lo)) : f(min);
    max = max === undefined ? (log ? Math.ceil(hi) : hi * 1.1) : f(max);
  }
  const y = v => top + (h - top - bottom) * (1 - (f(v) - min) / (max - min));
  ctx.fillStyle = '#111418'; ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#e8eaed'; ctx.font = '12px system-ui, sans-serif'; ctx.fillText(title, left, 13);
  ctx.strokeStyle = '#333a42'; ctx.fillStyle = '#9aa0a6'; ctx.font = '10px system-ui, sans-serif';
  for (let i = 0; i <= 4; i++) {
    const v = min + (max - min) * i / 4, py = top + (h - top - bottom) * (1 - i / 4);
    ctx.beginPath(); ctx.moveTo(left, py); ctx.lineTo(w - right, py); ctx.stroke();
    ctx.fillText(log ? '1e' + v.toFixed(1) : (Math.abs(v) < 10 ? v.toFixed(2) : v.toFixed(0)), 2, py + 3);
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
