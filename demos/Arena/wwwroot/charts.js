'use strict';
// Small charts on a canvas: no library. lineChart: one line per series, labels along the bottom (short ones: G1, G2,
// ...). stackedChart: the series stacked as filled areas, with lines on top; its legend is the page's own (HTML, beside
// the canvas), so no name is ever cut. series: [{ label, colour, values }], values of the same length (null: no value).
(function () {
  const left = 46, right = 8, top = 20;

  // The vertical scale: fixed (options.min, options.max), or from the values: linear charts to the 98th percentile (a
  // stall on a busy machine must not flatten the rest), log charts to whole decades.
  function scale(values, options, log) {
    const f = v => (log ? Math.log10(Math.max(v, 1e-8)) : v);
    let min = options.min, max = options.max;
    if (min === undefined || max === undefined) {
      const all = values.filter(v => v !== null).map(f).sort((p, q) => p - q);
      const at = options.percentile || 0.98;
      let lo = all.length ? all[0] : 0, hi = all.length ? (log ? all[all.length - 1] : all[Math.floor(at * (all.length - 1))]) : 1;
      // The dashed line is brought into the scale unless options.hlineNear and it lies beyond twice the data (a 4 ms
      // budget must not squash 0.2 ms ticks to a sliver); then a label says where it is.
      if (options.hline !== undefined && options.hline !== null && (!options.hlineNear || f(options.hline) <= 2 * hi)) hi = Math.max(hi, f(options.hline));
      if (hi - lo < 1e-9) { hi = lo + 1; }
      min = min === undefined ? (log ? Math.floor(lo) : Math.min(0, lo)) : f(min);
      max = max === undefined ? (log ? Math.ceil(hi) : hi * 1.15) : f(max);
    }
    return { f, min, max };
  }

  // Background, title, grid and tick labels, the dashed red line at options.hline; returns y(value) and x(index).
  function frame(canvas, title, values, options, bottom) {
    const ctx = canvas.getContext('2d');
    const w = canvas.width, h = canvas.height, log = !!options.log;
    const { f, min, max } = scale(values, options, log);
    const y = v => top + (h - top - bottom) * (1 - (Math.min(f(v), max) - min) / (max - min));
    const dx = (w - left - right) / Math.max(1, (options.capacity || 2) - 1);
    ctx.fillStyle = '#111418'; ctx.fillRect(0, 0, w, h);
    ctx.fillStyle = '#e8eaed'; ctx.font = '12px system-ui, sans-serif'; ctx.fillText(title, 8, 13);
    ctx.strokeStyle = '#333a42'; ctx.fillStyle = '#9aa0a6'; ctx.font = '10px system-ui, sans-serif'; ctx.lineWidth = 1;
    const ticks = log ? Array.from({ length: max - min + 1 }, (_, i) => min + i) : [0, 1, 2, 3, 4].map(i => min + (max - min) * i / 4);
    for (const v of ticks) {
      const py = top + (h - top - bottom) * (1 - (v - min) / (max - min));
      ctx.beginPath(); ctx.moveTo(left, py); ctx.lineTo(w - right, py); ctx.stroke();
      ctx.fillText(log ? '1e' + v : (Math.abs(v) < 10 ? v.toFixed(max - min < 0.2 ? 3 : 2) : v.toFixed(0)), 2, py + 3);
    }
    if (options.hline !== undefined && options.hline !== null) {
      if (f(options.hline) <= max) {
        ctx.strokeStyle = '#ff5252'; ctx.setLineDash([4, 3]);
        ctx.beginPath(); ctx.moveTo(left, y(options.hline)); ctx.lineTo(w - right, y(options.hline)); ctx.stroke();
        ctx.setLineDash([]);
      } else {
        const text = '↑ ' + (options.hlineLabel || '') + ' ' + options.hline + ' (above the scale)';
        ctx.fillStyle = '#ff5252'; ctx.fillText(text, w - right - ctx.measureText(text).width, 13);
      }
    }
    return { ctx, y, x: i => left + i * dx };
  }

  function line(ctx, values, x, y, colour, width) {
    ctx.strokeStyle = colour; ctx.lineWidth = width; ctx.beginPath();
    let started = false;
    values.forEach((v, i) => {
      if (v === null || v === undefined) { started = false; return; }
      if (started) ctx.lineTo(x(i), y(v)); else { ctx.moveTo(x(i), y(v)); started = true; }
    });
    ctx.stroke(); ctx.lineWidth = 1;
  }

  window.lineChart = function (canvas, title, series, options) {
    const bottom = 18;
    const { ctx, x, y } = frame(canvas, title, series.flatMap(s => s.values), options, bottom);
    let legendX = left;
    ctx.font = '10px system-ui, sans-serif';
    for (const s of series) {
      line(ctx, s.values, x, y, s.colour, 1.5);
      ctx.fillStyle = s.colour; ctx.fillText(s.label, legendX, canvas.height - 5); legendX += ctx.measureText(s.label).width + 12;
    }
  };

  // areas: stacked bottom to top in their order; lines: drawn over them (e.g. the tick's wall time).
  window.stackedChart = function (canvas, title, areas, lines, options) {
    const n = Math.max(0, ...areas.map(s => s.values.length), ...lines.map(s => s.values.length));
    const totals = new Array(n).fill(0);
    const layers = areas.map(s => {
      const layer = [];
      for (let i = 0; i < n; i++) { totals[i] += s.values[i] || 0; layer.push(totals[i]); }
      return layer;
    });
    const { ctx, x, y } = frame(canvas, title, totals.concat(...lines.map(s => s.values)), options, 6);
    let below = new Array(n).fill(0);
    areas.forEach((s, k) => {
      if (n === 0) return;
      const above = layers[k];
      ctx.fillStyle = s.colour; ctx.beginPath();
      ctx.moveTo(x(0), y(above[0]));
      for (let i = 1; i < n; i++) ctx.lineTo(x(i), y(above[i]));
      for (let i = n - 1; i >= 0; i--) ctx.lineTo(x(i), y(below[i]));
      ctx.closePath(); ctx.globalAlpha = 0.85; ctx.fill(); ctx.globalAlpha = 1;
      below = above;
    });
    for (const s of lines) line(ctx, s.values, x, y, s.colour, 1.2);
  };
})();
