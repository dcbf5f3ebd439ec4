'use strict';
// The foragers scene's part of the page: its chart history (reward per decision per group, smoothed on arrival), its
// charts and its group rows. arena.js calls these when a state message says scene "foragers".
window.foragersView = (function () {
  const SMOOTH = 0.15; // exponential smoothing of the reward per decision, per chart point (15 a second)
  function clear(history) { history.reward = []; history.rawReward = []; }
  function record(history, m, push) {
    m.groups.forEach((g, i) => {
      history.rawReward[i] = history.rawReward[i] || []; push(history.rawReward[i], g.reward);
      const list = history.reward[i] = history.reward[i] || [];
      const last = list.length ? list[list.length - 1] : g.reward;
      push(list, last + SMOOTH * (g.reward - last));
      history.meanLoss[i] = history.meanLoss[i] || []; push(history.meanLoss[i], g.meanLoss > 0 ? g.meanLoss : null);
    });
  }
  function charts(history, m, groups, capacity, $) {
    lineChart($('hitChart'), 'Reward per decision (smoothed), last 40 s', groups.map((g, i) => ({ ...g, values: history.reward[i] || [] })), { capacity });
    lineChart($('lossChart'), 'Mean TD loss (learning groups)', groups.map((g, i) => ({ ...g, values: history.meanLoss[i] || [] })).filter((_, i) => m.groups[i].learns), { log: true, capacity });
  }
  // The group rows of an agent scene (steering.js uses them too): a learning group gets its learning-rate box and reset
  // button (labelled resetLabel).
  function buildGroups(m, $, control, css, resetLabel = 'Reset models') {
    const box = $('groups');
    m.groups.forEach((g, i) => {
      const row = document.createElement('div');
      row.className = 'group';
      row.innerHTML = `<div><span class="swatch" style="background:${css(g.colour)}"></span><b>G${i + 1}</b> <span id="groupTitle${i}"></span></div><div id="groupText${i}"></div>` +
        (g.learns ? `<input id="lr${i}" type="number" step="0.001" min="0.000001" max="1" value="${g.learningRate}">
        <button id="setLr${i}">Set lr</button> <button id="reset${i}">${resetLabel}</button>` : '');
      box.appendChild(row);
      if (!g.learns) return;
      $('setLr' + i).onclick = () => control({ type: 'learningRate', group: i, value: Number($('lr' + i).value) });
      $('reset' + i).onclick = () => control({ type: 'reset', group: i });
    });
  }
  function panel(m, $) {
    m.groups.forEach((g, i) => {
      const f = m.point.groups[i];
      window.arena.groupTitle(g, i);
      $('groupText' + i).textContent = `${g.agents} agents · reward/decision ${f.reward.toFixed(3)} · eaten ${g.eaten} · caught ${g.caught}` +
        (g.learns ? ` · lr ${g.learningRate} · epsilon ${g.epsilon.toFixed(2)}` : ' · moves at random (no model)');
    });
    $('greedy').textContent = m.point.greedy ? 'Explore again (epsilon-greedy)' : 'Act greedily (evaluation)';
  }
  return { clear, record, charts, buildGroups, panel };
})();
