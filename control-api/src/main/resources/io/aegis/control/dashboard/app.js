// The operator dashboard. Plain script, no build step, no third-party code. Everything shown comes
// from the control API with the admin token, which lives in this tab's session storage only (never
// in a URL). Text from the gateway (tenant, model and rule names, trace events) is only ever set as
// textContent, never parsed as markup.
'use strict';

(() => {
  const TOKEN_KEY = 'aegis.adminToken';
  const ACTOR_KEY = 'aegis.actor';
  const HISTORY = 120;
  const $ = (id) => document.getElementById(id);

  let timers = [];
  let previous = null;          // the last /v1/dashboard answer, for rates
  let history = [];             // {rps, eps} per poll, newest last
  let where = '';
  let sampling = null;          // the sampling settings in force
  let refusalRates = {rate: 0, budget: 0, provider: 0};

  const token = () => sessionStorage.getItem(TOKEN_KEY);

  class Unauthorized extends Error {}

  async function api(path, options = {}) {
    const headers = Object.assign({Authorization: 'Bearer ' + token()}, options.headers || {});
    const actor = sessionStorage.getItem(ACTOR_KEY);
    if (actor) {
      headers['X-Aegis-Actor'] = actor;
    }
    const response = await fetch(path, Object.assign({}, options, {headers, cache: 'no-store'}));
    if (response.status === 401) {
      throw new Unauthorized();
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const problems = (body.error && body.error.problems || []).map((p) => p.message).join('; ');
      const message = (body.error && body.error.message) || ('HTTP ' + response.status);
      throw new Error(problems ? message + ': ' + problems : message);
    }
    return body;
  }

  // ---- signing in and out ----

  function showBoard(signedIn) {
    $('login-pane').hidden = signedIn;
    $('board').hidden = !signedIn;
    $('logout').hidden = !signedIn;
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    timers.forEach(clearInterval);
    timers = [];
    previous = null;
    history = [];
    showBoard(false);
    $('login-error').textContent = message || '';
    $('status').textContent = '';
  }

  async function start() {
    try {
      const first = await api('/v1/dashboard');
      showBoard(true);
      $('login-error').textContent = '';
      render(first);
      await Promise.all([refreshSampling(), refreshAudit(), refreshTail()]);
      timers.push(setInterval(() => guarded(refreshDashboard), 1000));
      timers.push(setInterval(() => guarded(refreshTail), 2000));
      timers.push(setInterval(() => guarded(refreshAudit), 5000));
    } catch (e) {
      signOut(e instanceof Unauthorized ? 'The admin token was refused.' : 'The control API did not answer: ' + e.message);
    }
  }

  async function guarded(refresh) {
    try {
      await refresh();
      $('status').textContent = 'live, updated ' + new Date().toLocaleTimeString();
    } catch (e) {
      if (e instanceof Unauthorized) {
        signOut('The admin token was refused.');
      } else {
        $('status').textContent = 'not updating: ' + e.message;
      }
    }
  }

  // ---- the panels ----

  async function refreshDashboard() {
    render(await api('/v1/dashboard'));
  }

  function seriesKey(s) {
    return s.tenant + '\u0000' + s.provider + '\u0000' + s.model;
  }

  function render(now) {
    const seconds = previous ? Math.max(0.001, (now.time_ms - previous.time_ms) / 1000) : 0;
    const before = new Map();
    (previous ? previous.traffic : []).forEach((s) => before.set(seriesKey(s), s));
    let rps = 0;
    let eps = 0;
    let tps = 0;
    let provider429 = 0;
    let provider429Before = 0;
    const rows = now.traffic.map((s) => {
      const was = before.get(seriesKey(s)) || {requests: 0, errors: 0, provider_429: 0, output_tokens: 0};
      const r = seconds ? (s.requests - was.requests) / seconds : 0;
      const e = seconds ? (s.errors - was.errors) / seconds : 0;
      const t = seconds ? (s.output_tokens - was.output_tokens) / seconds : 0;
      rps += r;
      eps += e;
      tps += t;
      provider429 += s.provider_429;
      provider429Before += was.provider_429;
      return [s.tenant, s.provider, s.model, rate(r), rate(e), rate(t), s.requests, s.errors];
    });
    fill('traffic-table', rows);
    $('rps').textContent = rate(rps);
    $('eps').textContent = rate(eps);
    $('tps').textContent = rate(tps);
    if (previous) {
      history.push({rps, eps, tps});
      if (history.length > HISTORY) {
        history.shift();
      }
    }
    chart('chart-traffic', [history.map((h) => h.rps), history.map((h) => h.eps)]);
    chart('chart-tokens', [history.map((h) => h.tps)]);

    // The figures are the newest second that had traffic: a quiet second has no percentiles.
    const points = now.latency;
    const newest = (name) => {
      for (let i = points.length - 1; i >= 0; i--) {
        if (points[i][name] != null) {
          return points[i][name];
        }
      }
      return null;
    };
    ['total', 'overhead', 'first_byte', 'first_token'].forEach((name) => {
      const id = name.replace('_', '-');
      $(id + '-p50').textContent = millis(newest(name + '_p50_us'));
      $(id + '-p99').textContent = millis(newest(name + '_p99_us'));
    });
    const ms = (name) => points.map((p) => p[name] == null ? null : p[name] / 1000);
    chart('chart-latency', [ms('total_p50_us'), ms('total_p99_us'), ms('first_token_p99_us'), ms('overhead_p99_us')]);

    fill('spend-table', now.spend.filter((t) => t.day).map((t) => {
      const d = t.day;
      const used = Number(d.settled_usd) + Number(d.reserved_usd);
      const headroom = d.limit_usd == null ? null : Number(d.limit_usd) - used;
      return [t.tenant, usd(d.settled_usd), usd(d.reserved_usd), d.limit_usd == null ? 'none' : usd(d.limit_usd),
        headroom == null ? '' : meter(used, Number(d.limit_usd), usd(headroom))];
    }));

    if (previous) {
      refusalRates = {
        rate: (now.refusals.gateway_rate_limit - previous.refusals.gateway_rate_limit) / seconds,
        budget: (now.refusals.gateway_budget - previous.refusals.gateway_budget) / seconds,
        provider: (provider429 - provider429Before) / seconds,
      };
    }
    $('refused-rate').textContent = now.refusals.gateway_rate_limit;
    $('refused-budget').textContent = now.refusals.gateway_budget;
    $('provider-429').textContent = provider429;
    $('refused-rate-ps').textContent = rate(refusalRates.rate);
    $('refused-budget-ps').textContent = rate(refusalRates.budget);
    $('provider-429-ps').textContent = rate(refusalRates.provider);

    fill('upstream-table', now.upstreams.map((u) => [u.provider, u.target + ' ' + u.upstream,
      badge(u.circuit), u.opened,
      u.keys.map((k) => k.id + ' ' + k.circuit + ', ' + k.in_flight + ' in flight'
        + (k.resting_ms > 0 ? ', resting ' + k.resting_ms + ' ms' : '')).join('; ') || 'caller\'s own']));
    fill('pii-table', Object.entries(now.pii).map(([type, count]) => [type, count,
      now.pii_response ? now.pii_response[type] : '']));
    // With a fleet, spend is shared through the budget cluster: say whether this gateway reaches it.
    $('fleet-state').hidden = !now.fleet;
    if (now.fleet) {
      $('fleet-state').textContent = now.fleet.connected
        ? 'Budgets are shared by the fleet; the budget cluster answers this gateway. Figures are this gateway\'s.'
        : 'The budget cluster is out of reach: budgets run on their fail modes.';
    }
    fill('rule-table', now.rules.map((r) => [r.rule, r.allow, r.deny, r.shadow]));
    previous = now;
  }

  async function refreshSampling() {
    const answer = await api('/v1/sampling');
    sampling = answer.sampling || {default: 1, tenants: {}, tags: {}};
    const rows = [['default', sampling.default == null ? 1 : sampling.default]];
    Object.entries(sampling.tenants || {}).forEach(([t, r]) => rows.push(['tenant ' + t, r]));
    Object.entries(sampling.tags || {}).forEach(([t, r]) => rows.push(['tag ' + t, r]));
    fill('sampling-table', rows);
  }

  async function changeSampling(remove) {
    const scope = $('sampling-scope').value;
    const name = $('sampling-name').value.trim();
    const next = {
      default: sampling.default == null ? 1 : sampling.default,
      tenants: Object.assign({}, sampling.tenants || {}),
      tags: Object.assign({}, sampling.tags || {}),
    };
    if (scope === 'default') {
      if (remove) {
        throw new Error('the default rate can be changed, not removed');
      }
      next.default = Number($('sampling-rate').value);
    } else if (!name) {
      throw new Error('name the ' + (scope === 'tenants' ? 'tenant' : 'tag'));
    } else if (remove) {
      delete next[scope][name];
    } else {
      next[scope][name] = Number($('sampling-rate').value);
    }
    const answer = await api('/v1/sampling', {
      method: 'PUT',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify(next),
    });
    $('sampling-message').textContent = 'version ' + answer.version + ' by ' + answer.actor + ' at ' + answer.time;
    await Promise.all([refreshSampling(), refreshAudit()]);
  }

  async function refreshAudit() {
    const answer = await api('/v1/audit?limit=25');
    fill('audit-table', answer.changes.map((c) => [c.version, c.time, c.actor, c.action, c.target, c.detail]));
  }

  async function refreshTail() {
    const query = '/v1/events?limit=50' + (where ? '&where=' + encodeURIComponent(where) : '');
    let answer;
    try {
      answer = await api(query);
      $('tail-error').textContent = '';
    } catch (e) {
      if (e instanceof Unauthorized) {
        throw e;
      }
      $('tail-error').textContent = e.message;
      return;
    }
    const list = $('tail');
    list.replaceChildren(...answer.events.map((event) => {
      const item = document.createElement('li');
      const line = document.createElement('span');
      line.className = 'line';
      line.textContent = [event.ts, event.tenant || '-', (event.provider || '-') + '/' + (event.model || '-'),
        event.status, event.outcome, millis(event.t_total_us), event.error || ''].join('  ');
      const json = document.createElement('code');
      json.textContent = JSON.stringify(event);
      item.append(line, json);
      return item;
    }));
  }

  // ---- drawing ----

  function fill(tableId, rows) {
    const body = $(tableId).tBodies[0];
    body.replaceChildren(...rows.map((cells) => {
      const row = document.createElement('tr');
      cells.forEach((cell) => {
        const td = document.createElement('td');
        if (cell instanceof Node) {
          td.append(cell);
        } else {
          td.textContent = cell == null ? '' : String(cell);
        }
        row.append(td);
      });
      return row;
    }));
  }

  function meter(used, limit, label) {
    const span = document.createElement('span');
    const bar = document.createElement('meter');
    bar.min = 0;
    bar.max = limit > 0 ? limit : 1;
    bar.value = Math.min(used, bar.max);
    bar.high = bar.max * 0.8;
    bar.optimum = 0;
    span.append(bar, ' ' + label);
    return span;
  }

  function badge(state) {
    const span = document.createElement('span');
    span.className = 'badge ' + state;
    span.textContent = state.replace('_', ' ');
    return span;
  }

  // Lines over a shared x axis (one point per poll or per second), scaled to the largest value; a
  // point with no value (a second without traffic) leaves a gap. The scale is written beside the
  // chart, not in it, as the drawing is stretched to the panel's width.
  function chart(svgId, lines) {
    const svg = $(svgId);
    const width = 600;
    const height = 120;
    const values = lines.flat().filter((v) => v != null);
    const max = Math.max(1e-9, ...values);
    const ns = 'http://www.w3.org/2000/svg';
    const step = width / Math.max(1, HISTORY - 1);
    const shapes = [];
    lines.forEach((line, i) => {
      const offset = width - (line.length - 1) * step;
      let run = [];
      const flush = () => {
        if (run.length > 1) {
          const path = document.createElementNS(ns, 'polyline');
          path.setAttribute('points', run.join(' '));
          path.setAttribute('class', 'line line-' + i);
          shapes.push(path);
        } else if (run.length === 1) {
          const [x, y] = run[0].split(',');
          const dot = document.createElementNS(ns, 'line');
          dot.setAttribute('x1', x);
          dot.setAttribute('x2', (Number(x) + 3).toFixed(1));
          dot.setAttribute('y1', y);
          dot.setAttribute('y2', y);
          dot.setAttribute('class', 'line dot line-' + i);
          shapes.push(dot);
        }
        run = [];
      };
      line.forEach((v, x) => {
        if (v == null) {
          flush();
        } else {
          run.push((offset + x * step).toFixed(1) + ',' + (height - 4 - (v / max) * (height - 12)).toFixed(1));
        }
      });
      flush();
    });
    svg.replaceChildren(...shapes);
    $(svgId + '-scale').textContent = values.length ? 'top of scale ' + (max >= 100 ? max.toFixed(0) : max.toPrecision(3))
      : 'no data yet';
  }

  const rate = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const millis = (us) => (us == null ? '-' : (us / 1000).toFixed(us < 10000 ? 2 : 0) + ' ms');
  const usd = (v) => '$' + Number(v).toFixed(Number(v) !== 0 && Math.abs(Number(v)) < 0.01 ? 6 : 4);

  // ---- wiring ----

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $('token').value);
      sessionStorage.setItem(ACTOR_KEY, $('actor').value || 'dashboard');
      $('token').value = '';
      start();
    });
    $('logout').addEventListener('click', () => signOut(''));
    $('sampling-form').addEventListener('submit', (event) => {
      event.preventDefault();
      changeSampling(false).catch((e) => { $('sampling-message').textContent = e.message; });
    });
    $('sampling-remove').addEventListener('click', () => {
      changeSampling(true).catch((e) => { $('sampling-message').textContent = e.message; });
    });
    $('tail-form').addEventListener('submit', (event) => {
      event.preventDefault();
      where = $('tail-where').value.trim();
      guarded(refreshTail);
    });
    if (token()) {
      start();
    } else {
      showBoard(false);
    }
  });
})();
