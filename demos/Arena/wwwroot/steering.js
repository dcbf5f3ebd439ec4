'use strict';
// The steering scene's part of the page: its chart history (reward per decision per group, smoothed on arrival, and goals
// reached per agent per minute), its charts and its group rows. arena.js calls these when a state message says scene
// "steering" (a chart point of this scene carries "goals" per group).
window.steeringView = (function () {
  const SMOOTH = 0.15; // exponential smoothing of the reward per decision, per chart point (15 a second)
  function clear(history) { history.steerReward = []; history.goals = []; }
  function isSteering(point) { return point.groups.length > 0 && 'goals' in point.groups[0]; }
  function record(history, m, push) {
    m.groups.forEach((g, i) => {
      const list = history.steerReward[i] = history.steerReward[i] || [];
      const last = list.length ? list[list.length - 1] : g.reward;
      push(list, last + SMOOTH * (g.reward - last));
      const goals = history.goals[i] = history.goals[i] || [];
      const previous = goals.length ? goals[goals.length - 1] : g.goals;
      push(goals, previous + SMOOTH * (g.goals - previous));
    });
  }
  function charts(history, m, groups, capacity, $) {
    lineChart($('hitChart'), 'Reward per decision (smoothed), last 40 s', groups.map((g, i) => ({ ...g, values: history.steerReward[i] || [] })), { capacity });
    lineChart($('lossChart'), 'Goals reached per agent per minute', groups.map((g, i) => ({ ...g, values: history.goals[i] || [] })), { min: 0, capacity });
  }
  function buildGroups(m, $, control, css) { window.foragersView.buildGroups(m, $, control, css, 'Reset brains'); }
  function panel(m, $) {
    m.groups.forEach((g, i) => {
      const f = m.point.groups[i];
      window.arena.groupTitle(g, i);
      $('groupText' + i).textContent = `${g.agents} agents · reward/decision ${f.reward.toFixed(3)} · goals ${g.goalsReached} · ` +
        `hazard frames ${g.hazardFrames} · wall frames ${g.wallFrames}` + (g.learns ? ` · lr ${g.learningRate}` : '');
    });
    $('greedy').textContent = m.point.greedy ? 'Sample actions again (explore)' : 'Act on the mean (evaluation)';
  }
  return { clear, isSteering, record, charts, buildGroups, panel };
})();
