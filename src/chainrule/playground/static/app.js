// chainrule playground: the page. It draws what the server computes (chainrule's own forward,
// backward, explain, gradcheck and audit); no formula of the network is computed here.
"use strict";

const DATASETS = {
  flower: "flower (the course's)", circles: "circles", moons: "moons", blobs: "blobs",
  gaussian_quantiles: "gaussian quantiles", spiral: "spiral", xor: "xor", csv: "your CSV",
};
const NOISE_DEFAULT = { flower: 0.2, circles: 0.05, moons: 0.2, spiral: 0.2, xor: 0.2 };
const HIDDEN_ACTIVATIONS = ["tanh", "relu", "leaky_relu", "sigmoid", "linear"];
const COLOURS = { low: [245, 147, 34], mid: [232, 234, 235], high: [8, 119, 189] }; // label 0, 0.5, label 1

const state = {
  config: {
    dataset: "flower", noise: null, m: null, test_fraction: 0, hidden: [4], activations: ["tanh", "sigmoid"],
    initialization: "scaled_normal", learning_rate: 1.2, optimizer: "gd", batch_size: null, lambd: 0, keep_prob: 1, seed: null,
  },
  csv: null, convention: "loss", speed: 10, playing: false, run: null, frame: null, layer: null, unit: null,
  explain: null, explainStep: 0, nextId: 1, pending: {},
};
// for the tests and the benchmark: frames drawn, when the first one was painted
window.playground = { frames: 0, firstPaint: null, state };

const $ = (id) => document.getElementById(id);
let socket = null;

// -- the connection ------------------------------------------------------------------------------
function send(message, onReply) {
  if (onReply) {
    message.id = state.nextId++;
    state.pending[message.id] = onReply;
  }
  socket.send(JSON.stringify(message));
}

function connect() {
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
  socket = new WebSocket(url);
  socket.onopen = () => configure();
  socket.onclose = () => showMessage("The server has stopped: start chainrule playground again and reload.", true);
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    const reply = message.id !== undefined ? state.pending[message.id] : null;
    if (reply) delete state.pending[message.id];
    if (message.type === "error") {
      showMessage(message.message, true);
      if (reply && reply.onError) reply.onError(message);
      if (message.message.includes("diverged")) setPlaying(false);
      return;
    }
    if (message.type === "run") onRun(message);
    else if (message.type === "frame") onFrame(message);
    if (typeof reply === "function") reply(message);
    else if (reply && reply.ok) reply.ok(message);
  };
}

const DEFAULT_CONFIG = JSON.parse(JSON.stringify(state.config));

function configure(after) {
  setPlaying(false);
  const config = { ...state.config };
  if (config.dataset === "csv") config.csv = state.csv;
  writeHash();
  send({ type: "configure", config }, {
    ok: () => (after ? after() : showMessage("")),
    onError: (error) => {
      if (state.run) { state.config = { ...state.config, ...state.run.config }; syncControls(); writeHash(); return; }
      state.config = JSON.parse(JSON.stringify(DEFAULT_CONFIG)); // a bad link: say why, and show the default setup
      syncControls();
      configure(() => showMessage(error.message + " (the link's setup was refused: this is the default one)", true));
    },
  });
}

// -- the URL: the setup a mentor can link ------------------------------------------------------------
const HASH_FIELDS = {
  dataset: "dataset", noise: "noise", m: "m", test: "test_fraction", hidden: "hidden", act: "activations", init: "initialization",
  lr: "learning_rate", opt: "optimizer", batch: "batch_size", lambd: "lambd", keep: "keep_prob", seed: "seed",
};

function writeHash() {
  const parts = [];
  for (const [short, field] of Object.entries(HASH_FIELDS)) {
    const value = state.config[field];
    if (field === "dataset" && value === "csv") { parts.push("dataset=flower"); continue; }
    parts.push(short + "=" + (value === null ? "" : Array.isArray(value) ? value.join(",") : value));
  }
  parts.push("conv=" + state.convention, "speed=" + state.speed);
  history.replaceState(null, "", "#" + parts.join("&"));
  $("share-url").value = location.href;
}

function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const numberOrNull = (text) => (text === "" || text === null ? null : Number(text));
  for (const [short, field] of Object.entries(HASH_FIELDS)) {
    if (!params.has(short)) continue;
    const text = params.get(short);
    if (field === "hidden") state.config.hidden = text === "" ? [] : text.split(",").map(Number);
    else if (field === "activations") state.config.activations = text.split(",");
    else if (["dataset", "initialization", "optimizer"].includes(field)) state.config[field] = text;
    else state.config[field] = numberOrNull(text);
  }
  if (params.get("conv") === "cost") state.convention = "cost";
  if (params.has("speed")) state.speed = Number(params.get("speed")) || 10;
}

// -- controls --------------------------------------------------------------------------------------
function setPlaying(playing) {
  state.playing = playing;
  $("play").innerHTML = playing ? "&#10073;&#10073;" : "&#9654;";
  $("play").classList.toggle("playing", playing);
}

function syncControls() {
  const c = state.config;
  for (const id of ["learning_rate", "optimizer", "lambd", "keep_prob", "initialization"]) ensureOption($(id), String(c[id]));
  ensureOption($("batch_size"), c.batch_size === null ? "" : String(c.batch_size));
  $("speed").value = String(state.speed);
  $("test_fraction").value = Math.round(c.test_fraction * 100);
  $("test_fraction_text").textContent = Math.round(c.test_fraction * 100) + " %";
  const hasNoise = c.dataset in NOISE_DEFAULT;
  $("noise").disabled = !hasNoise;
  const noise = c.noise === null ? NOISE_DEFAULT[c.dataset] : c.noise;
  $("noise").value = hasNoise ? Math.round(noise * 100) : 0;
  $("noise_text").textContent = hasNoise ? noise.toFixed(2) + (c.noise === null ? " (default)" : "") : "none";
  $("m").value = c.m === null ? "" : c.m;
  $("m").disabled = c.dataset === "csv";
  $("seed").value = c.seed === null ? "" : c.seed;
  $("seed").placeholder = c.dataset === "flower" ? "course (np.random.seed(2))" : "0";
  for (const button of document.querySelectorAll("#datasets button")) button.classList.toggle("on", button.dataset.name === c.dataset);
  for (const button of document.querySelectorAll(".convention button")) button.classList.toggle("on", button.dataset.convention === state.convention);
  $("hidden-count").textContent = c.hidden.length;
}

function ensureOption(select, value) {
  if (![...select.options].some((o) => o.value === value)) select.add(new Option(value, value));
  select.value = value;
}

function bindControls() {
  for (const [name, title] of Object.entries(DATASETS)) {
    const button = document.createElement("button");
    button.textContent = title;
    button.dataset.name = name;
    button.onclick = () => {
      if (name === "csv" && !state.csv) { $("csv").click(); return; }
      Object.assign(state.config, { dataset: name, noise: null, m: null });
      configure();
    };
    $("datasets").appendChild(button);
  }
  $("play").onclick = () => {
    if (state.playing) { send({ type: "pause" }); setPlaying(false); }
    else { send({ type: "play", epochs_per_frame: state.speed }); setPlaying(true); }
  };
  $("step").onclick = () => { setPlaying(false); send({ type: "step" }); };
  $("reset").onclick = () => { setPlaying(false); send({ type: "reset" }); };
  $("speed").onchange = () => {
    state.speed = Number($("speed").value);
    writeHash();
    send({ type: "speed", epochs_per_frame: state.speed });
  };
  const numeric = { learning_rate: Number, lambd: Number, keep_prob: Number, optimizer: String, initialization: String };
  for (const [id, parse] of Object.entries(numeric)) {
    $(id).onchange = () => { state.config[id] = parse($(id).value); configure(); };
  }
  $("batch_size").onchange = () => { state.config.batch_size = $("batch_size").value === "" ? null : Number($("batch_size").value); configure(); };
  $("test_fraction").onchange = () => { state.config.test_fraction = Number($("test_fraction").value) / 100; configure(); };
  $("noise").onchange = () => { state.config.noise = Number($("noise").value) / 100; configure(); };
  $("m").onchange = () => { state.config.m = $("m").value === "" ? null : Number($("m").value); configure(); };
  $("seed").onchange = () => { state.config.seed = $("seed").value === "" ? null : Number($("seed").value); configure(); };
  $("csv").onchange = async () => {
    const file = $("csv").files[0];
    if (!file) return;
    state.csv = await file.text();
    Object.assign(state.config, { dataset: "csv", noise: null, m: null });
    configure();
  };
  $("add-layer").onclick = () => {
    const c = state.config;
    c.hidden.push(c.hidden.length ? c.hidden[c.hidden.length - 1] : 4);
    c.activations.splice(c.hidden.length - 1, 0, c.activations.length > 1 ? c.activations[c.activations.length - 2] : "tanh");
    configure();
  };
  $("remove-layer").onclick = () => {
    const c = state.config;
    if (!c.hidden.length) return;
    c.hidden.pop();
    c.activations.splice(c.activations.length - 2, 1);
    configure();
  };
  for (const button of document.querySelectorAll(".convention button")) {
    button.onclick = () => { state.convention = button.dataset.convention; syncControls(); writeHash(); refreshViews(); };
  }
  for (const tab of document.querySelectorAll("nav.tabs button")) {
    tab.onclick = () => openTab(tab.dataset.tab);
  }
  $("show-test").onchange = () => { pointsLayer = null; drawBoundary(); };
  $("explain-prev").onclick = () => showStep(state.explainStep - 1);
  $("explain-next").onclick = () => showStep(state.explainStep + 1);
  $("run-gradcheck").onclick = runGradcheck;
  $("run-audit").onclick = runAudit;
  $("audit-file").onchange = async () => {
    const file = $("audit-file").files[0];
    if (file) $("audit-source").value = await file.text();
  };
  $("export").onclick = runExport;
  $("copy-url").onclick = () => navigator.clipboard && navigator.clipboard.writeText(location.href);
}

function openTab(name) {
  for (const tab of document.querySelectorAll("nav.tabs button")) tab.classList.toggle("on", tab.dataset.tab === name);
  for (const panel of document.querySelectorAll(".tab")) panel.classList.toggle("on", panel.id === "tab-" + name);
  refreshViews();
}

function currentTab() {
  return document.querySelector("nav.tabs button.on").dataset.tab;
}

function refreshViews() {
  const tab = currentTab();
  if (tab === "arrays" && state.layer) requestLayer(state.layer);
  else if (tab === "explain") requestExplain();
  else if (tab === "audit") requestConventions();
  const m = state.run ? state.run.m : "m";
  $("conv-note").textContent = state.convention === "loss"
    ? `dZ, dA are ∂L/∂· per example; dW = (1/m) dZ A_prevᵀ, m = ${m}`
    : `dZ, dA are ∂J/∂· (1/m at the output, m = ${m}); dW = dZ A_prevᵀ`;
}

function showMessage(text, isError) {
  $("message").textContent = text;
  $("message").classList.toggle("error", Boolean(isError));
}

// -- a run and its frames ------------------------------------------------------------------------------
function onRun(run) {
  state.run = run;
  state.unit = null;
  pointsLayer = null;
  state.config = { ...state.config, ...run.config };
  if (!state.layer || state.layer > run.layer_dims.length - 1) state.layer = 1; // open on layer 1's matrices
  syncControls();
  buildNetwork();
  const sizes = `m = ${run.m} training` + (run.m_test ? `, ${run.m_test} test` : "") + " examples";
  const seed = run.legacy_seed ? "initial weights: the course's np.random.seed(2), randn · 0.01" : `seed ${run.config.seed ?? 0}`;
  $("test-legend").hidden = !run.m_test;
  $("data-note").textContent = `${sizes}; ${seed}` + (run.standardized ? "; features standardized" : "");
  $("network-note").textContent = `layer_dims = [${run.layer_dims.join(", ")}], activations = ${run.activations.join(", ")}.`
    + " Changing a setting starts a new run, so that it is the one `chainrule train` gives.";
  writeHash();
  refreshViews();
}

let lastViewRefresh = 0, lastLinks = 0;

function onFrame(frame) {
  state.frame = frame;
  // the open view follows the weights: after every step, pause or reset, and about once a second while playing
  const now = performance.now();
  if (state.run && (!state.playing || now - lastViewRefresh > 1000)) {
    lastViewRefresh = now;
    const tab = currentTab();
    if (tab === "arrays" && state.layer) requestLayer(state.layer);
    else if (tab === "explain" && !state.playing) requestExplain();
  }
  requestAnimationFrame(() => {
    drawFrame(frame);
    window.playground.frames += 1;
    if (window.playground.firstPaint === null) window.playground.firstPaint = performance.now();
    send({ type: "drawn" });
  });
}

function drawFrame(frame) {
  $("epoch").textContent = frame.epoch.toLocaleString("en-US");
  $("cost").textContent = formatNumber(frame.cost);
  $("test_cost").textContent = frame.test_cost === null ? "—" : formatNumber(frame.test_cost);
  $("accuracy").textContent = percent(frame.accuracy);
  $("test_accuracy").textContent = frame.test_accuracy === null ? "—" : percent(frame.test_accuracy);
  drawBoundary();
  drawCurve(frame.curve);
  drawUnits(frame.units);
  const now = performance.now();
  if (!state.playing || now - lastLinks > 100) { lastLinks = now; drawLinks(frame.weights); } // the weights' lines: 10 a second
  if (frame.diverged) { showMessage(frame.diverged, true); setPlaying(false); }
}

const formatNumber = (x) => (x === null || x === undefined ? "—" : Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : x.toFixed(6));
const percent = (x) => (x === null || x === undefined ? "—" : (100 * x).toFixed(2) + " %");

function bytesOf(base64) {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function floatsOf(base64) {
  return new Float64Array(bytesOf(base64).buffer);
}

function colour(t) { // t in [0, 1]: orange (0) → grey (0.5) → blue (1)
  const [a, b, s] = t < 0.5 ? [COLOURS.low, COLOURS.mid, t * 2] : [COLOURS.mid, COLOURS.high, (t - 0.5) * 2];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * s));
}

const PALETTE = Array.from({ length: 256 }, (_, i) => colour(i / 255));

const offscreen = {}; // one n × n canvas per grid size, reused by every plane

function paintPlane(canvas, bytes, n) {
  if (!offscreen[n]) {
    offscreen[n] = document.createElement("canvas");
    offscreen[n].width = offscreen[n].height = n;
  }
  const small = offscreen[n];
  const context = small.getContext("2d");
  const image = context.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const [r, g, b] = PALETTE[bytes[i]];
    image.data.set([r, g, b, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
  const target = canvas.getContext("2d");
  target.imageSmoothingEnabled = true;
  target.drawImage(small, 0, 0, canvas.width, canvas.height);
}

let pointsLayer = null; // the training and test points, drawn once per run onto their own canvas

function drawPoints() {
  const run = state.run, canvas = $("boundary");
  pointsLayer = document.createElement("canvas");
  pointsLayer.width = canvas.width;
  pointsLayer.height = canvas.height;
  const context = pointsLayer.getContext("2d");
  const [x0, x1, y0, y1] = run.extent;
  const px = (x) => ((x - x0) / (x1 - x0)) * canvas.width;
  const py = (y) => ((y1 - y) / (y1 - y0)) * canvas.height;
  const sets = [["train", "#ffffff"]].concat($("show-test").checked && run.points.test ? [["test", "#000000"]] : []);
  for (const [name, ring] of sets) {
    const { x, y } = run.points[name];
    for (let i = 0; i < x.length; i++) {
      context.beginPath();
      context.arc(px(x[i][0]), py(x[i][1]), name === "test" ? 3.6 : 3, 0, 2 * Math.PI);
      const [r, g, b] = y[i] ? COLOURS.high : COLOURS.low;
      context.fillStyle = `rgb(${r},${g},${b})`;
      context.fill();
      context.lineWidth = name === "test" ? 1.4 : 1;
      context.strokeStyle = ring;
      context.stroke();
    }
  }
  context.fillStyle = "rgba(0,0,0,0.55)";
  context.font = "11px sans-serif";
  context.fillText(`x₁ from ${x0.toFixed(1)} to ${x1.toFixed(1)}, x₂ from ${y0.toFixed(1)} to ${y1.toFixed(1)}`, 6, canvas.height - 6);
}

function drawBoundary() {
  const frame = state.frame, run = state.run;
  if (!frame || !run) return;
  const canvas = $("boundary");
  paintPlane(canvas, bytesOf(frame.boundary), run.grid);
  if (!pointsLayer) drawPoints();
  canvas.getContext("2d").drawImage(pointsLayer, 0, 0);
}

function drawCurve(points) {
  const canvas = $("curve"), context = canvas.getContext("2d");
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (!points.length) return;
  const epochs = points.map((p) => p[0]);
  const values = points.flatMap((p) => [p[1], p[2]]).filter((v) => v !== null && Number.isFinite(v));
  let top = Math.max(...values), bottom = Math.min(...values);
  if (!(top > bottom)) { top += 0.5; bottom = Math.max(0, bottom - 0.5); }
  const last = Math.max(epochs[epochs.length - 1], 1);
  const x = (e) => 4 + (e / last) * (canvas.width - 8);
  const y = (v) => canvas.height - 16 - ((v - bottom) / (top - bottom)) * (canvas.height - 24);
  for (const [k, style, dash] of [[1, "#555", []], [2, "#000", [4, 3]]]) {
    context.beginPath();
    context.setLineDash(dash);
    let started = false;
    for (const p of points) {
      if (p[k] === null) continue;
      if (!started) { context.moveTo(x(p[0]), y(p[k])); started = true; } else context.lineTo(x(p[0]), y(p[k]));
    }
    context.strokeStyle = style;
    context.lineWidth = 1.5;
    context.stroke();
  }
  context.setLineDash([]);
  context.fillStyle = "#444";
  context.font = "11px sans-serif";
  context.fillText(`cost from ${formatNumber(top)} (top) to ${formatNumber(bottom)} (bottom); epochs 0 … ${last}`, 6, canvas.height - 2);
}

// -- the network drawing -------------------------------------------------------------------------------
function buildNetwork() {
  const run = state.run, container = $("layers");
  container.innerHTML = "";
  const dims = run.layer_dims, L = dims.length - 1;
  for (let l = 0; l <= L; l++) {
    const column = document.createElement("div");
    column.className = "layer" + (l === state.layer ? " selected" : "");
    column.dataset.layer = l;
    const head = document.createElement("div");
    head.className = "layer-head";
    if (l === 0) head.innerHTML = `<b>input</b><br>A[0] = X <span class="shape">(${dims[0]}, ${run.m})</span>`;
    else {
      const kind = l === L ? "output" : "hidden";
      head.innerHTML = `<b>layer ${l}</b> <span class="kind">${kind}</span><br>W[${l}] <span class="shape" data-key="W${l}">(${dims[l]}, ${dims[l - 1]})</span>`
        + `<br>Z[${l}], A[${l}] <span class="shape" data-key="Z${l}">(${dims[l]}, ${run.m})</span>`;
      head.title = `show W[${l}], b[${l}], Z[${l}], A[${l}], dZ[${l}], dW[${l}], db[${l}], dA[${l - 1}]`;
      column.onclick = (event) => {
        if (event.target.tagName === "SELECT" || event.target.tagName === "BUTTON") return;
        const unit = event.target.dataset && event.target.dataset.unit !== undefined ? Number(event.target.dataset.unit) : null;
        selectLayer(l, unit); // a unit: its row of W, b, Z, A, dZ, dW, db is outlined
      };
    }
    column.appendChild(head);
    if (l > 0 && l < L) {
      const controls = document.createElement("div");
      controls.className = "unit-controls";
      const minus = button("−", `fewer units in layer ${l}`, () => changeUnits(l, -1));
      const plus = button("+", `more units in layer ${l}`, () => changeUnits(l, +1));
      const select = document.createElement("select");
      select.title = `g[${l}], the activation of layer ${l}`;
      for (const name of HIDDEN_ACTIVATIONS) select.add(new Option(name, name));
      select.value = run.activations[l - 1];
      select.onchange = () => { state.config.activations[l - 1] = select.value; configure(); };
      controls.append(minus, plus, select);
      column.appendChild(controls);
    } else if (l === L) {
      const label = document.createElement("div");
      label.className = "unit-controls";
      label.textContent = "sigmoid";
      column.appendChild(label);
    }
    for (let j = 0; j < dims[l]; j++) {
      const unit = document.createElement("canvas");
      unit.className = "unit";
      unit.width = unit.height = 40;
      unit.dataset.layer = l;
      unit.dataset.unit = j;
      unit.title = l === 0 ? `x${j + 1}` : `A[${l}] row ${j + 1}: unit ${j + 1}'s output over the plane`;
      column.appendChild(unit);
    }
    container.appendChild(column);
  }
  drawInputs();
  layoutLinks();
}

function button(text, title, onclick) {
  const b = document.createElement("button");
  b.textContent = text;
  b.title = title;
  b.onclick = onclick;
  return b;
}

function changeUnits(l, delta) {
  const n = state.config.hidden[l - 1] + delta;
  if (n < 1 || n > 8) return;
  state.config.hidden[l - 1] = n;
  configure();
}

function drawInputs() { // x₁ and x₂ themselves over the plane (a linear ramp: drawn here, no network involved)
  const n = 32;
  for (const unit of document.querySelectorAll('canvas.unit[data-layer="0"]')) {
    const j = Number(unit.dataset.unit), bytes = new Uint8Array(n * n);
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) bytes[r * n + c] = Math.round(255 * (j === 0 ? c / (n - 1) : 1 - r / (n - 1)));
    paintPlane(unit, bytes, n);
  }
}

function drawUnits(units) {
  for (const layer of units) {
    layer.planes.forEach((plane, j) => {
      const canvas = document.querySelector(`canvas.unit[data-layer="${layer.layer}"][data-unit="${j}"]`);
      if (canvas) paintPlane(canvas, bytesOf(plane), state.run.unit_grid);
    });
  }
}

function layoutLinks() { // one <line> per weight, placed once per network (and on resize); drawLinks only restyles them
  const svg = $("links"), box = $("network").getBoundingClientRect();
  svg.setAttribute("width", box.width);
  svg.setAttribute("height", box.height);
  const lines = [];
  const L = state.run.layer_dims.length - 1;
  for (let l = 1; l <= L; l++) {
    const from = document.querySelectorAll(`canvas.unit[data-layer="${l - 1}"]`);
    const to = document.querySelectorAll(`canvas.unit[data-layer="${l}"]`);
    to.forEach((target, i) => from.forEach((source, k) => {
      const a = source.getBoundingClientRect(), b = target.getBoundingClientRect();
      lines.push(`<line data-w="${l},${i},${k}" x1="${a.right - box.left}" y1="${a.top + a.height / 2 - box.top}" x2="${b.left - box.left}"`
        + ` y2="${b.top + b.height / 2 - box.top}" stroke-opacity="0.7"><title></title></line>`);
    }));
  }
  svg.innerHTML = lines.join("");
  if (state.frame) drawLinks(state.frame.weights);
}

function drawLinks(weights) {
  const tops = {};
  for (const line of $("links").children) {
    const [l, i, k] = line.dataset.w.split(",").map(Number);
    const W = weights["W" + l];
    if (!W) continue;
    if (tops[l] === undefined) tops[l] = Math.max(...W.flat().map((w) => Math.abs(w || 0)), 1e-12);
    const w = (W[i] || [])[k] ?? 0; // a frame of the previous network may still be the last one drawn
    const [r, g, b] = w >= 0 ? COLOURS.high : COLOURS.low;
    line.setAttribute("stroke", `rgb(${r},${g},${b})`);
    line.setAttribute("stroke-width", (0.5 + (4 * Math.abs(w)) / tops[l]).toFixed(2));
    line.firstChild.textContent = `W[${l}][${i + 1},${k + 1}] = ${w}`;
  }
}

function selectLayer(l, unit = null) {
  state.layer = l;
  state.unit = unit;
  for (const column of document.querySelectorAll(".layer")) column.classList.toggle("selected", Number(column.dataset.layer) === l);
  openTab("arrays");
}

// -- the arrays of one layer ------------------------------------------------------------------------------
function requestLayer(l) {
  send({ type: "layer", layer: l, convention: state.convention }, showLayer);
}

function tex(element, latex) {
  if (window.katex) window.katex.render(latex, element, { throwOnError: false });
  else element.textContent = latex;
}

function showLayer(view) {
  $("arrays-title").textContent = `Layer ${view.layer} (${view.activation}): one forward and backward pass on the training set, m = ${view.m}, `
    + `convention "${view.convention}"` + (state.config.keep_prob < 1 ? " (dropout off: the network as it predicts)" : "")
    + (state.unit !== null && state.unit !== undefined ? `; unit ${state.unit + 1} is row ${state.unit + 1} (outlined) of W, b, Z, A, dZ, dW, db` : "");
  const cards = $("arrays");
  cards.innerHTML = "";
  for (const a of view.arrays) {
    const card = document.createElement("div");
    card.className = "card" + (a.ratio !== undefined ? " grad" : "");
    card.dataset.key = a.key;
    const shape = `(${a.shape.join(", ")})`;
    const head = document.createElement("div");
    head.className = "card-head";
    head.innerHTML = `<span class="name">${a.label}</span> <span class="shape" data-key="${a.key}">${shape}</span>`;
    card.appendChild(head);
    const what = document.createElement("div");
    what.className = "what";
    if (a.latex) {
      const math = document.createElement("span");
      tex(math, `${a.label.replace(/\[(\d+)\]/, "^{[$1]}")} = ${a.latex}`);
      what.append(math, document.createTextNode(" "));
      const plain = document.createElement("span");
      plain.className = "derivative";
      plain.dataset.key = a.key;
      plain.textContent = `${a.label} = ${a.what}`;
      what.appendChild(plain);
    } else what.textContent = a.what;
    card.appendChild(what);
    const values = floatsOf(a.values);
    const ownRows = a.shape[0] === state.run.layer_dims[view.layer] && !a.key.startsWith("A" + (view.layer - 1)) && !a.key.startsWith("dA");
    card.appendChild(heatmap(values, a.shape, a.label, ownRows && state.unit !== null ? state.unit : null));
    const range = document.createElement("div");
    range.className = "range";
    range.textContent = `min ${formatNumber(a.min)} · max ${formatNumber(a.max)}`;
    card.appendChild(range);
    if (a.ratio !== undefined) {
      const ratio = document.createElement("div");
      ratio.className = "ratio";
      ratio.dataset.key = a.key;
      const exact = a.expected_ratio === 1 ? "identical in both conventions" : `exactly m = ${view.m}`;
      ratio.textContent = `"loss" / "cost" = ${Number(a.ratio.toPrecision(12))}: ${exact} (deviation ${a.rel_deviation.toExponential(1)}); `
        + `in "${a.other.convention}" it is ${a.other.derivative}`;
      card.appendChild(ratio);
    }
    cards.appendChild(card);
  }
  $("arrays-notes").innerHTML = view.notes.map((n) => `<p>${escapeHtml(n)}</p>`).join("");
}

function heatmap(values, shape, label, row = null) {
  const rows = shape[0], columns = shape.length > 1 ? shape[1] : 1;
  const canvas = document.createElement("canvas");
  const cell = Math.max(1, Math.min(24, Math.floor(420 / columns)));
  const height = Math.max(4, Math.min(24, Math.floor(160 / rows)));
  canvas.width = columns * cell;
  canvas.height = rows * height;
  canvas.className = "heat";
  const context = canvas.getContext("2d");
  let top = 0;
  for (const v of values) top = Math.max(top, Math.abs(v));
  top = top || 1;
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) {
    const [r, g, b] = colour(0.5 + values[i * columns + j] / (2 * top));
    context.fillStyle = `rgb(${r},${g},${b})`;
    context.fillRect(j * cell, i * height, cell, height);
  }
  if (row !== null && row < rows) { // the selected unit's row
    context.lineWidth = 2;
    context.strokeStyle = "#000";
    context.strokeRect(1, row * height + 1, canvas.width - 2, height - 2);
  }
  canvas.title = `${label}: colour from −${formatNumber(top)} (orange) through 0 to +${formatNumber(top)} (blue); point at an entry for its value`;
  canvas.onmousemove = (event) => {
    const box = canvas.getBoundingClientRect();
    const j = Math.floor(((event.clientX - box.left) / box.width) * columns), i = Math.floor(((event.clientY - box.top) / box.height) * rows);
    if (i >= 0 && i < rows && j >= 0 && j < columns) canvas.title = `${label}[${i + 1}, ${j + 1}] = ${values[i * columns + j]}`;
  };
  return canvas;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

// -- the backward pass, equation by equation ------------------------------------------------------------
function requestExplain() {
  send({ type: "explain", convention: state.convention }, (view) => {
    state.explain = view;
    $("explain-title").textContent = `${view.title}, convention "${view.convention}": chainrule explain on this network's numbers`;
    const list = $("explain-list");
    list.innerHTML = "";
    steps().forEach((eq, k) => {
      const item = document.createElement("li");
      item.dataset.key = eq.key;
      tex(item, eq.latex);
      item.onclick = () => showStep(k);
      list.appendChild(item);
    });
    showStep(Math.min(state.explainStep, steps().length - 1));
  });
}

function steps() {
  return state.explain ? state.explain.backward : [];
}

function showStep(k) {
  const all = steps();
  if (!all.length) return;
  k = Math.max(0, Math.min(all.length - 1, k));
  state.explainStep = k;
  const eq = all[k], values = state.explain.values;
  $("explain-count").textContent = `equation ${k + 1} of ${all.length} of the backward pass (output → input)`;
  const current = $("explain-current");
  current.innerHTML = "";
  const math = document.createElement("div");
  math.className = "equation";
  tex(math, eq.latex);
  const facts = document.createElement("div");
  facts.className = "facts";
  facts.innerHTML = `<div><b>${escapeHtml(eq.equation)}</b></div><div>shapes: <code>${escapeHtml(eq.shapes)}</code></div>`
    + `<div>${escapeHtml(eq.key)} = <span class="derivative">${escapeHtml(eq.derivative_of)}</span></div>`
    + `<div>reads ${eq.operands.map((o) => `<span class="chip read">${escapeHtml(o.key + (o.transposed ? "ᵀ" : ""))}</span>`).join(" ")}`
    + ` → writes <span class="chip written">${escapeHtml(eq.key)}</span></div>`;
  current.append(math, facts);
  const numbers = document.createElement("div");
  numbers.className = "numbers";
  for (const key of [...eq.operands.map((o) => o.key), eq.key]) if (values[key]) numbers.appendChild(preview(key, values[key], key === eq.key));
  current.appendChild(numbers);
  const board = $("board");
  board.innerHTML = "";
  const reads = new Set(eq.operands.map((o) => o.key));
  for (const [key, value] of Object.entries(values)) {
    const chip = document.createElement("span");
    chip.className = "chip" + (key === eq.key ? " written" : reads.has(key) ? " read" : "");
    chip.dataset.key = key;
    chip.textContent = `${key} (${value.shape.join(", ")})`;
    board.appendChild(chip);
  }
  for (const item of $("explain-list").children) item.classList.toggle("on", item.dataset.key === eq.key);
}

function preview(key, value, written) {
  const box = document.createElement("div");
  box.className = "preview" + (written ? " written" : "");
  const rows = value.preview.map((row) => "<tr>" + row.map((v) => `<td>${Number(v.toPrecision(4))}</td>`).join("") + "</tr>").join("");
  const more = value.shape.length === 2 && (value.shape[0] > value.preview.length || value.shape[1] > value.preview[0].length) ? " (first entries)" : "";
  box.innerHTML = `<div>${escapeHtml(key)} <span class="shape">(${value.shape.join(", ")})</span>${more}, ‖·‖ = ${formatNumber(value.norm)}</div><table>${rows}</table>`;
  return box;
}

// -- gradient check, audit, conventions, export ----------------------------------------------------------
function runGradcheck() {
  $("gradcheck-title").textContent = "checking…";
  send({ type: "gradcheck", convention: state.convention }, {
    ok: (report) => {
      $("gradcheck-title").textContent = report.title;
      const head = "<tr><th>key</th><th>shape</th><th>is</th><th>mode</th><th>checked</th><th>rel. diff</th><th>g / ĝ</th><th>result</th></tr>";
      const number = (x, digits) => (x === null || x === undefined ? "—" : Number(x).toExponential(digits));
      $("gradcheck-table").innerHTML = head + report.rows.map((r) => `<tr class="${r.passed ? "ok" : "fail"}"><td>${r.key}</td>`
        + `<td>(${(r.shape || []).join(", ")})</td><td>${escapeHtml(r.derivative || "")}</td><td>${escapeHtml(r.mode || "")}</td>`
        + `<td>${r.checked ?? "—"}</td><td>${number(r.relative_difference, 2)}</td>`
        + `<td>${r.factor ? "×" + escapeHtml(r.factor) : r.ratio === null ? "—" : Number(Number(r.ratio).toPrecision(8))}</td>`
        + `<td>${r.passed ? "ok" : "FAIL"}</td></tr>`).join("");
      $("gradcheck-notes").innerHTML = report.notes.map((n) => `<p>${escapeHtml(n)}</p>`).join("");
    },
    onError: () => { $("gradcheck-title").textContent = ""; },
  });
}

function runAudit() {
  const source = $("audit-source").value;
  const file = $("audit-file").files[0];
  const filename = file ? file.name.replace(/[^\w.\- ]/g, "_") : "pasted.py";
  $("audit-result").textContent = "running your code in the audit's sandbox…";
  send({ type: "audit", filename, source }, {
    ok: (report) => {
      const parts = [`<p class="headline ${report.correct ? "ok" : "fail"}">${escapeHtml(report.headline)}</p>`];
      for (const f of report.functions) {
        parts.push(`<h4>${escapeHtml(f.function)}: ${escapeHtml(f.verdict)}${f.convention ? ` ("${escapeHtml(f.convention)}" convention)` : ""}</h4>`
          + `<p>${escapeHtml(f.summary)}</p><table class="table"><tr><th>key</th><th>diagnosis</th><th>factor</th><th>message</th></tr>`
          + f.findings.map((x) => `<tr class="${x.diagnosis === "ok" ? "ok" : "fail"}"><td>${escapeHtml(x.key)}${x.key === f.first_wrong ? " ◀ first" : ""}</td>`
            + `<td>${escapeHtml(x.diagnosis)}</td><td>${escapeHtml(x.factor ?? "")}</td><td>${escapeHtml(x.message)}</td></tr>`).join("") + "</table>");
      }
      parts.push(...report.notes.map((n) => `<p class="hint">${escapeHtml(n)}</p>`));
      $("audit-result").innerHTML = parts.join("");
    },
    onError: (error) => { $("audit-result").textContent = error.message; },
  });
  requestConventions();
}

function requestConventions() {
  send({ type: "conventions" }, (view) => {
    $("conventions-table").innerHTML = "<tr><th>key</th><th>shape</th><th>\"loss\"</th><th>\"cost\"</th><th>loss / cost</th></tr>"
      + view.rows.map((r) => `<tr><td>${r.key}</td><td>(${r.shape.join(", ")})</td><td>${escapeHtml(r.loss)}</td><td>${escapeHtml(r.cost)}</td>`
        + `<td>${Number(r.ratio.toPrecision(10))}</td></tr>`).join("");
    $("conventions-notes").innerHTML = view.notes.map((n) => `<p>${escapeHtml(n)}</p>`).join("");
  });
}

function runExport() {
  send({ type: "export" }, (result) => {
    const blob = new Blob([bytesOf(result.model)], { type: "application/octet-stream" });
    const link = $("download");
    if (link.href) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(blob);
    link.download = result.filename;
    link.hidden = false;
    $("python").textContent = result.python;
  });
}

// -- start -----------------------------------------------------------------------------------------------
window.addEventListener("DOMContentLoaded", () => {
  readHash();
  bindControls();
  syncControls();
  connect();
  window.addEventListener("resize", () => state.run && layoutLinks());
});
