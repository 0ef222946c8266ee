// The training page: one EventSource to /events (the whole state first, then each change; the
// browser reconnects by itself), drawn with plain canvas so the page needs nothing from outside.
"use strict";

const state = { metrics: [], episodes: [], spec: {}, health: [], models: {}, framesShown: 0 };

const DIGITS = {
  mean_return_100: 2, loss: 5, epsilon: 3, frames_per_second: 0, updates_per_second: 1,
  data_wait_fraction: 1,
};

function format(field, value) {
  if (value === null || value === undefined) return "–";
  if (field === "data_wait_fraction") return (100 * value).toFixed(DIGITS[field]) + " %";
  if (field === "wall_seconds") {
    const t = Math.floor(value), pad = n => String(n).padStart(2, "0");
    return `${Math.floor(t / 3600)}:${pad(Math.floor(t / 60) % 60)}:${pad(t % 60)}`;
  }
  if (field === "model_version") return value === 0 ? "random" : "v" + value;
  if (field in DIGITS) return value.toLocaleString("en-US", { minimumFractionDigits: DIGITS[field], maximumFractionDigits: DIGITS[field] });
  return value.toLocaleString("en-US");
}

function showLatest() {
  const row = state.metrics[state.metrics.length - 1];
  if (!row) return;
  const latest = document.getElementById("latest");
  latest.dataset.row = row.row;
  for (const dd of latest.querySelectorAll("dd")) dd.textContent = format(dd.dataset.field, row[dd.dataset.field]);
}

// A line chart against environment frames; each series a field of the metrics rows (or points).
function chart(id, series, opts = {}) {
  const canvas = document.getElementById(id);
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth, height = canvas.clientHeight;
  canvas.width = width * ratio; canvas.height = height * ratio;
  const g = canvas.getContext("2d");
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);
  const all = series.flatMap(s => s.points.filter(p => p[1] !== null && Number.isFinite(p[1])));
  canvas.dataset.points = all.length;
  const left = 56, right = 10, top = 8, bottom = 22;
  g.font = "11px system-ui, sans-serif";
  g.fillStyle = "#8b96a5";
  if (all.length === 0) { g.fillText("no data yet", left, height / 2); return; }
  let x0 = Math.min(...all.map(p => p[0])), x1 = Math.max(...all.map(p => p[0]));
  let y0 = opts.min ?? Math.min(...all.map(p => p[1])), y1 = opts.max ?? Math.max(...all.map(p => p[1]));
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) { y0 -= 1; y1 += 1; }
  const X = x => left + (x - x0) / (x1 - x0) * (width - left - right);
  const Y = y => top + (1 - (y - y0) / (y1 - y0)) * (height - top - bottom);
  g.strokeStyle = "#2a3340"; g.lineWidth = 1;
  for (const t of ticks(y0, y1, 4)) {
    g.beginPath(); g.moveTo(left, Y(t)); g.lineTo(width - right, Y(t)); g.stroke();
    g.fillText(short(t), 4, Y(t) + 4);
  }
  for (const t of ticks(x0, x1, 5)) g.fillText(short(t), X(t) - 12, height - 6);
  for (const s of series) {
    const points = s.points.filter(p => p[1] !== null && Number.isFinite(p[1]));
    g.strokeStyle = g.fillStyle = s.color;
    if (s.dots) {
      for (const p of points) { g.globalAlpha = 0.35; g.fillRect(X(p[0]) - 1, Y(p[1]) - 1, 2.5, 2.5); }
      g.globalAlpha = 1;
    } else {
      g.lineWidth = 1.8; g.beginPath();
      points.forEach((p, i) => (i ? g.lineTo(X(p[0]), Y(p[1])) : g.moveTo(X(p[0]), Y(p[1]))));
      g.stroke();
    }
  }
}

function ticks(lo, hi, count) {
  const step = Math.pow(10, Math.floor(Math.log10((hi - lo) / count)));
  const nice = [1, 2, 5, 10].map(m => m * step).find(s => (hi - lo) / s <= count) || step * 10;
  const out = [];
  for (let t = Math.ceil(lo / nice) * nice; t <= hi + 1e-9; t += nice) out.push(Math.abs(t) < 1e-12 ? 0 : t);
  return out;
}

function short(v) {
  const a = Math.abs(v);
  if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1) + "M";
  if (a >= 1e3) return (v / 1e3).toFixed(a >= 1e4 ? 0 : 1) + "k";
  return Number(v.toPrecision(3)).toString();
}

const field = name => state.metrics.map(r => [r.frames, r[name]]);

function drawCharts() {
  chart("chart-return", [
    { points: state.episodes.map(e => [e.frames, e.episode_return]), color: "#4fb3ff", dots: true },
    { points: field("mean_return_100"), color: "#ffcc66" },
  ]);
  chart("chart-loss", [{ points: field("loss"), color: "#ff9f6b" }], { min: 0 });
  chart("chart-epsilon", [{ points: field("epsilon"), color: "#b48cff" }], { min: 0, max: 1 });
  chart("chart-fps", [{ points: field("frames_per_second"), color: "#4cc38a" }], { min: 0 });
  chart("chart-ups", [{ points: field("updates_per_second"), color: "#4cc38a" }], { min: 0 });
  chart("chart-replay", [{ points: field("replay_size"), color: "#4fb3ff" }], { min: 0 });
  chart("chart-wait", [{ points: field("data_wait_fraction"), color: "#ff6b6b" }], { min: 0, max: 1 });
}

function showModels() {
  const m = state.models, body = document.querySelector("#models tbody");
  const live = m.live || {};
  const caption = [];
  for (const [name, version] of Object.entries(live)) caption.push(`${name}: v${version} live`);
  caption.push(`actors act with ${m.actors_version ? "v" + m.actors_version : "random actions"}`);
  if (m.learner_problem) caption.push("learner: " + m.learner_problem);
  if (m.inference_problem) caption.push("inference: " + m.inference_problem);
  document.getElementById("models-caption").textContent = caption.join(" · ");
  body.replaceChildren(...(m.snapshots || []).map(s => {
    const tr = document.createElement("tr");
    const tags = [];
    if (s.published && live[s.model] === s.version) tags.push("live");
    if (s.published && m.actors_version === s.version) tags.push("actors");
    if (!s.published) tags.push("not published");
    const cells = [s.published ? "v" + s.version : "–", s.update_step.toLocaleString("en-US"),
      s.env_frames.toLocaleString("en-US"), new Date(s.created_unix_ms).toLocaleTimeString(),
      s.max_abs_diff === null ? "–" : s.max_abs_diff.toExponential(1)];
    for (const c of cells) { const td = document.createElement("td"); td.textContent = c; tr.append(td); }
    const td = document.createElement("td");
    for (const t of tags) { const span = document.createElement("span"); span.className = "tag"; span.textContent = t; td.append(span); }
    tr.append(td);
    return tr;
  }));
}

function showHealth() {
  document.querySelector("#health tbody").replaceChildren(...state.health.map(s => {
    const tr = document.createElement("tr");
    tr.dataset.service = s.service;
    for (const c of [s.service, s.target, s.health]) { const td = document.createElement("td"); td.textContent = c; tr.append(td); }
    tr.lastChild.className = s.health === "SERVING" ? "serving" : "notserving";
    return tr;
  }));
}

function showSpec() {
  document.getElementById("game").textContent = state.spec.game ? state.spec.game : "";
  document.querySelector("#spec tbody").replaceChildren(...Object.keys(state.spec).sort().map(k => {
    const tr = document.createElement("tr");
    for (const c of [k, state.spec[k]]) { const td = document.createElement("td"); td.textContent = c; tr.append(td); }
    return tr;
  }));
}

function showFrame(f) {
  const img = document.getElementById("play");
  img.src = "data:image/png;base64," + f.png;
  img.dataset.framesShown = ++state.framesShown;
  document.getElementById("play-caption").textContent =
    `actor ${f.actor}, session ${f.session} · score ${f.episode_return} · step ${f.episode_steps.toLocaleString("en-US")} · ` +
    (f.model_version ? "model v" + f.model_version : "random actions");
}

let redraw = null;
function changed() {
  if (redraw === null) redraw = requestAnimationFrame(() => { redraw = null; showLatest(); drawCharts(); });
}

function connect() {
  const events = new EventSource("events");
  const connection = document.getElementById("connection");
  events.onopen = () => { connection.textContent = "live"; connection.className = "up"; };
  events.onerror = () => { connection.textContent = "reconnecting"; connection.className = "down"; };
  events.addEventListener("state", e => {
    const s = JSON.parse(e.data);
    document.getElementById("title").textContent = "dqn · " + s.run;
    document.title = "dqn · " + s.run;
    Object.assign(state, { metrics: s.metrics, episodes: s.episodes, spec: s.spec, health: s.health, models: s.models });
    showSpec(); showHealth(); showModels(); changed();
  });
  events.addEventListener("metrics", e => { state.metrics.push(JSON.parse(e.data)); changed(); });
  events.addEventListener("episodes", e => { state.episodes.push(...JSON.parse(e.data)); changed(); });
  events.addEventListener("health", e => { state.health = JSON.parse(e.data); showHealth(); });
  events.addEventListener("models", e => { state.models = JSON.parse(e.data); showModels(); });
  events.addEventListener("spec", e => { state.spec = JSON.parse(e.data); showSpec(); });
  events.addEventListener("frame", e => showFrame(JSON.parse(e.data)));
}

window.addEventListener("resize", changed);
connect();
