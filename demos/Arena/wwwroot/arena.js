'use strict';
// The live arena: draws the server's draw list (the same primitives the headless SkiaSharp snapshot draws), keeps
// the last CAPACITY chart points (the server sends its own history on connect), and sends the controls as small JSON messages.
const CAPACITY = 600;
const requested = new URLSearchParams(location.search).get('scene');
const canvas = document.getElementById('arena'), ctx = canvas.getContext('2d');
const history = { hitRate: [], meanLoss: [], tickMs: [], budgetMs: [], stages: {}, trained: [] };
const arena = window.arena = { states: 0, last: null, replies: [], history, socket: null, send: text => arena.socket.send(text) };
const $ = id => document.getElementById(id);

function css(argb) {
  return `rgba(${(argb >>> 16) & 255},${(argb >>> 8) & 255},${argb & 255},${((argb >>> 24) & 255) / 255})`;
}

function drawScene(d) {
  for (let i = 0; i < d.length; i += 6) {
    const kind = d[i], a = d[i + 1], b = d[i + 2], c = d[i + 3], w = d[i + 4], colour = css(d[i + 5]);
    if (kind === 0) { ctx.fillStyle = colour; ctx.fillRect(a, b, c, w); continue; }
    ctx.beginPath(); ctx.arc(a, b, c, 0, 2 * Math.PI);
    if (kind === 1) { ctx.fillStyle = colour; ctx.fill(); } else { ctx.strokeStyle = colour; ctx.lineWidth = w; ctx.stroke(); }
  }
  ctx.lineWidth = 1;
}

function clearHistory() { // a reconnecting page gets the whole history again
  for (const key of ['hitRate', 'meanLoss', 'tickMs', 'budgetMs', 'trained']) history[key].length = 0;
  history.stages = {};
  foragersView.clear(history);
  steeringView.clear(history);
}

const views = { foragers: foragersView, steering: steeringView };
const isForagers = point => point.groups.length > 0 && 'reward' in point.groups[0]; // chart points carry no scene name

function push(list, value) { list.push(value); if (list.length > CAPACITY) list.shift(); }

function record(m) { // m: a chart point
  if (steeringView.isSteering(m)) steeringView.record(history, m, push);
  else if (isForagers(m)) foragersView.record(history, m, push);
  else m.groups.forEach((g, i) => {
    history.hitRate[i] = history.hitRate[i] || []; push(history.hitRate[i], g.hitRate);
    history.meanLoss[i] = history.meanLoss[i] || []; push(history.meanLoss[i], g.meanLoss > 0 ? g.meanLoss : null);
  });
  push(history.tickMs, m.tickMs); push(history.budgetMs, m.budgetMs); push(history.trained, m.trained);
  const names = new Set(m.stages.map(s => s.name));
  for (const name of Object.keys(history.stages)) if (!names.has(name)) push(history.stages[name], null);
  for (const s of m.stages) {
    if (!history.stages[s.name]) history.stages[s.name] = new Array(history.tickMs.length - 1).fill(null);
    push(history.stages[s.name], s.ms);
  }
}

// The tick's stages, each a colour of its own, by name, so a stage looks the same in both scenes: acting and the forward
// pass in blues, the loss in yellow, the backward pass in reds, the optimizer steps in greens, the rest apart.
const stageColours = {
  Act: '#1a73e8', ReplaySample: '#78d9ec', Forward: '#8ab4f8', TdTarget: '#c58af9', MseLoss: '#fdd663',
  ZeroGrad: '#9aa0a6', Backward: '#f28b82', Guard: '#fcad70', SgdStep: '#81c995', AdamStep: '#1e8e3e',
  AdamWStep: '#ccff90', TargetSync: '#ff8bcb',
};
const spareColours = ['#e6c9a8', '#a142f4', '#12b5cb', '#d01884', '#b3b3b3'];
function stageColour(name, i) { return stageColours[name] || spareColours[i % spareColours.length]; }

function mean(values, count) { // of the last count values that are not null
  const recent = values.slice(-count).filter(v => v !== null);
  return recent.length ? recent.reduce((p, q) => p + q, 0) / recent.length : null;
}

// The stage chart's legend, beside it: every stage's full name and its mean ms over the last 2 s (30 points), in the
// order they are stacked (bottom first), then the tick and budget lines. Rebuilt only when the stages change.
function stageLegend(stages, budgetMs) {
  const box = $('stageLegend'), names = stages.map(s => s.label).join(',');
  if (box.dataset.names !== names) {
    box.dataset.names = names;
    box.innerHTML = '<div class="head">stacked, bottom first; ms, last 2 s</div>' +
      stages.map((s, i) => `<div class="entry stage" data-stage="${s.label}"><span class="swatch" style="background:${s.colour}"></span>` +
        `<span class="name">${s.label}</span><span class="ms" id="stageMs${i}"></span></div>`).join('') +
      '<div class="entry"><span class="line" style="border-color:#e8eaed"></span><span class="name">tick (wall)</span><span class="ms" id="tickMean"></span></div>' +
      '<div class="entry"><span class="line dash" style="border-color:#ff5252"></span><span class="name">budget</span><span class="ms" id="budgetText"></span></div>';
  }
  const format = v => (v === null ? '–' : v.toFixed(v < 1 ? 3 : 2));
  stages.forEach((s, i) => { $('stageMs' + i).textContent = format(mean(s.values, 30)); });
  $('tickMean').textContent = format(mean(history.tickMs, 30));
  $('budgetText').textContent = budgetMs === null ? 'none' : format(budgetMs);
}

function drawCharts(m) {
  const groups = m.groups.map((g, i) => ({ label: 'G' + (i + 1), colour: css(g.colour) }));
  const view = views[m.scene];
  if (view) view.charts(history, m, groups, CAPACITY, $);
  else {
    lineChart($('hitChart'), 'Hit rate per group, last 40 s', groups.map((g, i) => ({ ...g, values: history.hitRate[i] })), { min: 0, max: 1, capacity: CAPACITY });
    lineChart($('lossChart'), 'Mean loss per group', groups.map((g, i) => ({ ...g, values: history.meanLoss[i] })), { log: true, capacity: CAPACITY });
  }
  const stages = Object.keys(history.stages).map((name, i) => ({ label: name, colour: stageColour(name, i), values: history.stages[name] }));
  stackedChart($('stageChart'), 'ms per tick, by stage (summed over threads)', stages,
    [{ label: 'tick', colour: '#e8eaed', values: history.tickMs }], { hline: m.point.budgetMs, hlineNear: true, hlineLabel: 'budget', percentile: 0.95, capacity: CAPACITY });
  stageLegend(stages, m.point.budgetMs);
  lineChart($('trainedChart'), view ? 'Agents trained per decision' : 'Learners trained per frame', [{ label: 'trained', colour: '#81c995', values: history.trained }], { capacity: CAPACITY });
}

function control(message) { arena.send(JSON.stringify(message)); }

function buildGroups(m) {
  const box = $('groups');
  m.groups.forEach((g, i) => {
    const row = document.createElement('div');
    row.className = 'group';
    row.innerHTML = `<div><span class="swatch" style="background:${css(g.colour)}"></span><b>G${i + 1}</b> <span id="groupTitle${i}"></span></div>
      <div id="groupText${i}"></div>
      <input id="lr${i}" type="number" step="0.001" min="0.000001" max="1" value="${g.learningRate}">
      <button id="setLr${i}">Set lr</button> <button id="reset${i}">Reset models</button> <button id="add${i}">+16 turrets</button>`;
    box.appendChild(row);
    $('setLr' + i).onclick = () => control({ type: 'learningRate', group: i, value: Number($('lr' + i).value) });
    $('reset' + i).onclick = () => control({ type: 'reset', group: i });
    $('add' + i).onclick = () => control({ type: 'addTurrets', group: i, count: 16 });
  });
}

function updatePanel(m) {
  const p = m.point;
  if (!$('groups').children.length) { // first state: build the group rows, show the settings in force
    showScene(m.scene);
    if (views[m.scene]) views[m.scene].buildGroups(m, $, control, css); else buildGroups(m);
    $('backend').value = m.backend === 'OpenCL' ? 'opencl' : 'cpu';
    $('budget').value = p.budgetMs === null ? '' : p.budgetMs; // empty: no budget in force (placeholder 'none')
  }
  $('status').textContent = `frame ${m.frame}  ·  ${p.time.toFixed(1)} s  ·  ${m.entities} entities in the tick  ·  frame ${m.frameMs.toFixed(2)} ms  ·  ` +
    `tick ${p.tickMs.toFixed(2)} ms  ·  budget ${p.budgetMs === null ? 'none' : p.budgetMs + ' ms'}  ·  backend ${m.backend}  ·  ` +
    (m.scene === 'foragers' ? `${p.greedy ? 'greedy (evaluation)' : 'epsilon-greedy'}` :
      m.scene === 'steering' ? `${p.greedy ? 'acting on the mean (evaluation)' : 'sampling actions'}` : `contained: left out ${p.leftOut}, steps skipped ${p.stepsSkipped}, quarantined ${p.quarantined}`);
  $('pause').textContent = p.paused ? 'Resume learning' : 'Pause learning';
  $('learning').textContent = p.paused ? 'paused' : 'learning';
  $('backendText').textContent = m.backendDescription;
  $('notice').textContent = m.notice || '';
  if (views[m.scene]) { views[m.scene].panel(m, $); return; }
  m.groups.forEach((g, i) => {
    const f = p.groups[i];
    groupTitle(g, i);
    $('groupText' + i).textContent = `${g.turrets} turrets · lr ${g.learningRate} · hit rate ${(100 * f.hitRate).toFixed(0)}% · loss ${f.meanLoss.toExponential(2)}`;
  });
}

// A group's title (its name says the learning rate in force) and its learning-rate box, which follows the server's
// rate unless it is being edited.
function groupTitle(g, i) {
  $('groupTitle' + i).textContent = g.name;
  const box = $('lr' + i);
  if (box && document.activeElement !== box && box.dataset.rate !== String(g.learningRate)) {
    box.dataset.rate = String(g.learningRate); box.value = g.learningRate;
  }
}
arena.groupTitle = groupTitle;

const scenes = { // each scene's heading and legend
  turrets: ['EmbeddedLearn arena: turrets learning to lead their targets',
    'Turret colour: its loss (green low, red high). Rings: targets; yellow dots: shells in flight; green / red flash: hit / miss.'],
  foragers: ['EmbeddedLearn arena: foragers learning to act from rewards',
    'Yellow dots: food; red: hunters (ring: catch radius; dark while resting). Agents coloured by group; the last group moves at random.'],
  steering: ['EmbeddedLearn arena: agents learning to steer (continuous turn rate and thrust)',
    'Yellow rings: each agent\'s goal (drifting); red discs: hazards. Agents coloured by group, a light dot on their heading, dim dots: recent paths.'],
};

function showScene(name) { // the heading, the legend and the controls that apply to the scene shown
  $('scene').value = name;
  [$('title').textContent, $('legend').textContent] = scenes[name] || scenes.turrets;
  $('greedy').hidden = name === 'turrets';
}

function onReply(m) {
  arena.replies.push(m);
  $('reply').textContent = m.type === 'ok' ? 'ok: ' + m.control : 'error: ' + m.message;
  $('reply').className = m.type;
}

function connect() {
  const socket = arena.socket = new WebSocket(`ws://${location.host}/ws` + (requested ? '?scene=' + encodeURIComponent(requested) : ''));
  socket.onmessage = e => {
    const m = JSON.parse(e.data);
    if (m.type === 'history') { clearHistory(); m.points.forEach(record); return; }
    if (m.type !== 'state') { onReply(m); return; }
    arena.states++; arena.last = m;
    drawScene(m.draw); record(m.point); drawCharts(m); updatePanel(m);
  };
  socket.onclose = () => { $('status').textContent = 'disconnected; retrying…'; setTimeout(connect, 1000); };
}

$('pause').onclick = () => control({ type: arena.last && arena.last.point.paused ? 'resume' : 'pause' });
$('setBudget').onclick = () => control({ type: 'budget', ms: Number($('budget').value) });
$('noBudget').onclick = () => control({ type: 'budget', ms: null });
$('greedy').onclick = () => control({ type: 'greedy', value: !(arena.last && arena.last.point.greedy) });
$('scene').onchange = () => { location.search = '?scene=' + $('scene').value; };
$('switchBackend').onclick = () => control({ type: 'backend', kind: $('backend').value });
connect();
