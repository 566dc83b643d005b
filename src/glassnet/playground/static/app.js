// glassnet playground: draws what the server computes and sends the controls back.
// No framework, no build step. Every number on the page comes from glassnet; this file only
// lays the page out, draws heat maps, lines and curves, and asks the server for explanations.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const NEURON = 36; // px: a neuron's heat map
  const ROW = 52; // px between neurons of a column
  const TOP = 46; // px above the first neuron (column heads)
  const CLASS_COLOURS = ["#f59322", "#0877bd", "#2ca02c", "#9467bd", "#d62728", "#8c564b",
    "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];
  const SPEEDS = [[1, "1 epoch/s"], [10, "10 epochs/s"], [60, "60 epochs/s"],
    [300, "300 epochs/s"], [1000, "1000 epochs/s"], [0, "as fast as it goes"]];
  const ACTIVATIONS = ["tanh", "relu", "sigmoid", "leaky_relu", "identity"];
  const OPTIMIZERS = [["sgd", "SGD"], ["momentum", "SGD + momentum"], ["nesterov", "Nesterov"],
    ["adam", "Adam"]];
  const LOSSES = {
    binary: ["mse", "sse", "binary_crossentropy"],
    multiclass: ["categorical_crossentropy", "mse", "sse"],
    regression: ["mse", "sse"],
  };
  const DATASETS = [["circle", "circle"], ["xor", "XOR"], ["gauss", "gaussians"],
    ["spiral", "spiral"], ["plane", "plane (regression)"], ["multigauss", "bumps (regression)"]];
  const FEATURES = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"];
  const FEATURE_LABELS = {"x1^2": "x1²", "x2^2": "x2²", "x1*x2": "x1·x2"};

  let run = null; // what stays fixed during a run
  let frame = null; // the latest frame
  let maps = null; // its heat maps, one byte a pixel
  let drawn = true; // whether the latest frame is on screen
  let onScreen = null; // the frame last drawn
  let pinned = null; // the thing the "see through" panel keeps showing
  let shown = null; // the thing it shows now
  let seeTimer = 0;
  let lastSee = 0;
  const links = []; // links[layer][row][column]: the visible path of a weight
  const biases = []; // biases[layer][column]
  const neurons = []; // neurons[layer][unit]: canvas (layer 0: the inputs)

  // -- colours ------------------------------------------------------------------------------

  const hex = (text) => [1, 3, 5].map((i) => parseInt(text.slice(i, i + 2), 16));
  const ORANGE = hex("#f59322");
  const BLUE = hex("#0877bd");
  const LUT = new Uint8ClampedArray(256 * 4); // byte (0 is -1, 255 is 1) -> orange..white..blue
  for (let level = 0; level < 256; level += 1) {
    const value = level / 127.5 - 1;
    const end = value < 0 ? ORANGE : BLUE;
    const t = Math.abs(value);
    for (let c = 0; c < 3; c += 1) LUT[level * 4 + c] = Math.round(255 + (end[c] - 255) * t);
    LUT[level * 4 + 3] = 255;
  }
  const colourOf = (value) => {
    const level = Math.max(0, Math.min(255, Math.round((value + 1) * 127.5)));
    return `rgb(${LUT[level * 4]},${LUT[level * 4 + 1]},${LUT[level * 4 + 2]})`;
  };
  const bytes = (base64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

  // -- talking to the server ----------------------------------------------------------------

  async function request(method, path, body, raw) {
    const options = {method, headers: {}};
    if (body !== undefined) {
      options.body = raw ? body : JSON.stringify(body);
      options.headers["Content-Type"] = raw ? "application/octet-stream" : "application/json";
    }
    const response = await fetch(path, options);
    const type = response.headers.get("Content-Type") || "";
    const document = type.startsWith("application/json") ? await response.json() : null;
    if (!response.ok) {
      throw new Error((document && document.error) || `${response.status} ${response.statusText}`);
    }
    return document;
  }

  function say(text, note) {
    const box = $("message");
    box.textContent = text || "";
    box.hidden = !text;
    box.classList.toggle("note", Boolean(note));
  }

  async function act(promise) {
    try {
      const state = await promise;
      say("");
      if (state && state.run) take(state);
      return state;
    } catch (error) {
      say(error.message);
      return null;
    }
  }

  const change = (values) => act(request("POST", "/api/controls", values));
  const action = (name) => act(request("POST", "/api/action", {action: name}));

  function take(state) {
    if (!run || state.run.run !== run.run) newRun(state.run);
    showFrame(state.frame);
  }

  // -- the address: every setting, so that a link reproduces the run ---------------------------

  function hashOf(controls) {
    return Object.entries(controls).map(([key, value]) => {
      const text = Array.isArray(value) ? value.join(",") : String(value);
      return `${key}=${encodeURIComponent(text)}`;
    }).join("&");
  }

  function controlsInHash() {
    const hash = location.hash.replace(/^#/, "");
    if (!hash) return null;
    const values = {};
    for (const part of hash.split("&")) {
      const at = part.indexOf("=");
      if (at > 0) values[decodeURIComponent(part.slice(0, at))] = decodeURIComponent(part.slice(at + 1));
    }
    return values;
  }

  function keepInAddress() {
    // The token stays out of the address bar (the cookie carries it); the settings go in.
    const controls = frame && frame.run === run.run ? frame.controls : run.controls;
    history.replaceState(null, "", `${location.pathname}#${hashOf(controls)}`);
  }

  // -- a new run: lay the page out -------------------------------------------------------------

  function newRun(described) {
    run = described;
    pinned = null;
    shown = null;
    fillControls();
    layOutDiagram();
    layOutPlane();
    keepInAddress();
    $("see-title").textContent = "Hover over a weight, a neuron or a point.";
    $("see-lines").textContent = "";
    $("edit").hidden = true;
    $("story").textContent = "";
    $("program-box").hidden = true;
  }

  function options(select, choices, chosen) {
    select.replaceChildren(...choices.map(([value, label]) => {
      const option = document.createElement("option");
      option.value = String(value);
      option.textContent = label;
      return option;
    }));
    select.value = String(chosen);
  }

  function fillControls() {
    const c = run.controls;
    const isTable = c.data === "tutorial" || c.data === "table";
    $("lr").value = c.lr;
    $("l2").value = c.l2;
    $("seed").value = c.seed;
    $("epochs").value = c.epochs;
    $("batch").value = c.batch;
    options($("activation"), ACTIVATIONS.map((a) => [a, a]), c.activation);
    options($("optimizer"), OPTIMIZERS, c.optimizer);
    options($("loss"), [["auto", "auto (the task's)"], ...LOSSES[run.task].map((l) => [l, l])], c.loss);
    options($("speed"), SPEEDS, c.speed);
    if (!SPEEDS.some(([value]) => value === c.speed)) {
      $("speed").add(new Option(`${c.speed} epochs/s`, String(c.speed)));
      $("speed").value = String(c.speed);
    }
    $("two-d-options").hidden = isTable;
    $("table-options").hidden = !isTable;
    $("regenerate").hidden = isTable;
    $("features-title").hidden = isTable;
    $("features-hint").hidden = isTable;
    $("features").hidden = isTable;
    $("train").value = c.train;
    $("train-value").textContent = `${c.train}%`;
    $("noise").value = c.noise;
    $("noise-value").textContent = `${c.noise}%`;
    $("table-train").value = c.train;
    $("table-train-value").textContent = `${c.train}%`;
    for (const button of $("datasets").querySelectorAll("button")) {
      button.classList.toggle("chosen", button.dataset.name === c.data);
    }
    $("tutorial").classList.toggle("chosen", c.data === "tutorial");
    fillTables(isTable);
    fillFeatures();
    $("layers-count").textContent = `${c.hidden.length} hidden layer${c.hidden.length === 1 ? "" : "s"}`;
  }

  function fillTables(isTable) {
    const names = run.tables || [];
    $("table-choice").hidden = names.length === 0;
    options($("tables"), [["", "choose a table"], ...names.map((n) => [n, n])],
      run.controls.data === "table" ? run.controls.table : "");
    $("target-choice").hidden = !isTable;
    if (isTable) options($("target"), run.columns.map((n) => [n, n]), run.target);
  }

  function fillFeatures() {
    const box = $("features");
    box.replaceChildren();
    const previews = run.plane && run.plane.previews ? bytes(run.plane.previews) : null;
    FEATURES.forEach((name, index) => {
      const row = document.createElement("div");
      row.className = "feature" + (run.controls.features.includes(name) ? " on" : "");
      row.dataset.name = name;
      const canvas = document.createElement("canvas");
      if (previews) paintMap(canvas, previews, index, run.plane.resolution);
      const label = document.createElement("span");
      label.textContent = FEATURE_LABELS[name] || name;
      row.append(canvas, label);
      row.addEventListener("click", () => {
        const on = new Set(run.controls.features);
        if (on.has(name)) on.delete(name); else on.add(name);
        change({features: FEATURES.filter((f) => on.has(f))});
      });
      box.append(row);
    });
  }

  function paintMap(canvas, levels, index, resolution, mapper) {
    canvas.width = resolution;
    canvas.height = resolution;
    const context = canvas.getContext("2d");
    const image = context.createImageData(resolution, resolution);
    const size = resolution * resolution;
    const offset = index * size;
    for (let p = 0; p < size; p += 1) {
      const level = levels[offset + p];
      image.data.set(LUT.subarray(level * 4, level * 4 + 4), p * 4);
    }
    if (mapper) mapper(image.data);
    context.putImageData(image, 0, 0);
  }

  function layOutDiagram() {
    const box = $("diagram");
    for (const old of box.querySelectorAll(".neuron, .bias, .column-head, .input-name")) old.remove();
    const svg = $("links");
    svg.replaceChildren();
    links.length = 0;
    biases.length = 0;
    neurons.length = 0;
    const sizes = run.sizes;
    const width = Math.max(box.clientWidth, 420);
    const left = 110;
    const step = (width - left - 70) / Math.max(sizes.length - 1, 1);
    const height = TOP + Math.max(...sizes) * ROW;
    box.style.height = `${height}px`;
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    const place = (k, j) => [left + k * step, TOP + j * ROW + (Math.max(...sizes) - sizes[k]) * ROW / 2];
    sizes.forEach((size, k) => {
      neurons.push([]);
      for (let j = 0; j < size; j += 1) {
        const [x, y] = place(k, j);
        neurons[k].push(addNeuron(box, k, j, x, y));
        if (k === 0) addInputName(box, run.inputs[j] || run.names[0][j], x, y);
      }
      if (k > 0 && k < sizes.length - 1) addColumnHead(box, k, place(k, 0)[0]);
    });
    for (let k = 0; k < sizes.length - 1; k += 1) {
      links.push([]);
      biases.push([]);
      for (let i = 0; i < sizes[k]; i += 1) {
        links[k].push([]);
        for (let j = 0; j < sizes[k + 1]; j += 1) {
          links[k][i].push(addLink(svg, k, i, j, place(k, i), place(k + 1, j)));
        }
      }
      if (run.bias[k]) {
        for (let j = 0; j < sizes[k + 1]; j += 1) biases[k].push(addBias(box, k, j, place(k + 1, j)));
      }
    }
  }

  function addNeuron(box, k, j, x, y) {
    const div = document.createElement("div");
    div.className = "neuron";
    div.style.left = `${x}px`;
    div.style.top = `${y}px`;
    const canvas = document.createElement("canvas");
    canvas.width = 1;
    canvas.height = 1;
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = k === 0 ? "" : run.names[k][j];
    div.append(canvas, name);
    hoverable(div, {what: "neuron", layer: k, column: j});
    box.append(div);
    return canvas;
  }

  function addInputName(box, text, x, y) {
    const span = document.createElement("span");
    span.className = "input-name";
    span.textContent = FEATURE_LABELS[text] || text;
    span.style.right = `${box.clientWidth - x + 8}px`;
    span.style.top = `${y + NEURON / 2 - 8}px`;
    box.append(span);
  }

  function addColumnHead(box, k, x) {
    const head = document.createElement("div");
    head.className = "column-head";
    head.style.left = `${x - 22}px`;
    head.style.top = "0px";
    head.style.width = `${NEURON + 44}px`;
    const units = run.controls.hidden[k - 1];
    const more = document.createElement("button");
    more.textContent = "+";
    more.title = "one more neuron";
    more.addEventListener("click", () => resize(k - 1, units + 1));
    const fewer = document.createElement("button");
    fewer.textContent = "−";
    fewer.title = "one neuron fewer";
    fewer.addEventListener("click", () => resize(k - 1, units - 1));
    const text = document.createElement("span");
    text.textContent = ` ${units} `;
    head.append(more, text, fewer);
    box.append(head);
  }

  function resize(layer, units) {
    if (units < 1 || units > 8) return;
    const hidden = run.controls.hidden.slice();
    hidden[layer] = units;
    change({hidden});
  }

  function addLink(svg, k, i, j, from, to) {
    const [x1, y1] = [from[0] + NEURON, from[1] + NEURON / 2];
    const [x2, y2] = [to[0], to[1] + NEURON / 2];
    const middle = (x1 + x2) / 2;
    const d = `M${x1},${y1} C${middle},${y1} ${middle},${y2} ${x2},${y2}`;
    const line = document.createElementNS("http://www.w3.org/2000/svg", "path");
    line.setAttribute("d", d);
    line.setAttribute("class", "link");
    const hit = document.createElementNS("http://www.w3.org/2000/svg", "path");
    hit.setAttribute("d", d);
    hit.setAttribute("class", "hit");
    hit.dataset.layer = k;
    hit.dataset.row = i;
    hit.dataset.column = j;
    hoverable(hit, {what: "weight", layer: k, row: i, column: j});
    svg.append(line, hit);
    return line;
  }

  function addBias(box, k, j, at) {
    const square = document.createElement("div");
    square.className = "bias";
    square.style.left = `${at[0] - 9}px`;
    square.style.top = `${at[1] + NEURON - 8}px`;
    square.title = "bias";
    hoverable(square, {what: "bias", layer: k, column: j});
    box.append(square);
    return square;
  }

  function layOutPlane() {
    const plane = run.plane;
    $("plane-box").hidden = !plane;
    if (!plane) return;
    const isTable = run.controls.data === "tutorial" || run.controls.data === "table";
    $("plane-choice").hidden = !isTable;
    $("axes").textContent = `across: ${plane.x} from ${round(plane.x_range[0])} to ` +
      `${round(plane.x_range[1])}; up: ${plane.y} from ${round(plane.y_range[0])} to ` +
      `${round(plane.y_range[1])}`;
    if (isTable) {
      const numbers = run.inputs.filter((name) => !name.includes("="));
      options($("plane-x"), numbers.map((n) => [n, n]), plane.x);
      options($("plane-y"), numbers.map((n) => [n, n]), plane.y);
      $("fixed").textContent = plane.fixed.length
        ? `The other inputs are held at ${plane.fixed.map(([n, v]) => `${n} = ${v}`).join(", ")}.`
        : "";
    }
    $("show-test").parentElement.hidden = !plane.points.test.some(Boolean);
  }

  const round = (value) => Number(value.toPrecision(3)).toString();

  // -- a frame: draw what moved ----------------------------------------------------------------

  function showFrame(next) {
    if (!run || next.run !== run.run) return;
    if (frame && frame.run === next.run && frame.playing && !next.playing) tellLastStep();
    frame = next;
    maps = frame.maps ? bytes(frame.maps) : null;
    if (drawn) {
      drawn = false;
      requestAnimationFrame(draw);
    }
  }

  function draw() {
    drawn = true;
    if (!frame) return;
    $("epoch").textContent = frame.epoch.toLocaleString("en").padStart(7, "0");
    $("play").innerHTML = frame.playing ? "&#10074;&#10074;" : "&#9654;";
    $("play").title = frame.playing ? "Pause (space)" : "Play (space)";
    $("train-loss").textContent = number(frame.loss.train);
    $("test-loss").textContent = frame.loss.test === null ? "–" : number(frame.loss.test);
    if (document.activeElement !== $("lr")) $("lr").value = frame.lr;
    if (document.activeElement !== $("l2")) $("l2").value = frame.l2;
    $("limit").textContent = frame.controls.epochs
      ? `of ${frame.controls.epochs.toLocaleString("en")}` : "";
    if (hashOf(frame.controls) !== location.hash.slice(1)) keepInAddress();
    if (frame.failure) say(frame.failure);
    drawWeights();
    drawNeurons();
    drawPlane();
    drawCurve();
    drawAnswers();
    onScreen = frame;
    if (pinned && performance.now() - lastSee > 300) see(pinned, true);
  }

  const number = (value) => {
    if (value === null) return "diverged";
    return value !== 0 && Math.abs(value) < 0.001 ? value.toExponential(2) : value.toFixed(3);
  };

  function drawWeights() {
    frame.weights.forEach((layer, k) => {
      layer.W.forEach((row, i) => row.forEach((w, j) => {
        const line = links[k] && links[k][i] && links[k][i][j];
        if (!line) return;
        line.setAttribute("stroke", colourOf(Math.max(-1, Math.min(1, w))));
        line.setAttribute("stroke-width", Math.min(0.6 + Math.abs(w) * 2.5, 9).toFixed(2));
      }));
      if (layer.b) {
        layer.b.forEach((b, j) => {
          if (biases[k] && biases[k][j]) biases[k][j].style.background = colourOf(Math.max(-1, Math.min(1, b)));
        });
      }
    });
  }

  function drawNeurons() {
    if (!run.plane) return;
    const resolution = run.plane.resolution;
    const inputs = bytes(run.plane.features);
    neurons[0].forEach((canvas, j) => paintMap(canvas, inputs, j, resolution));
    if (!maps) return;
    let index = 0;
    for (let k = 1; k < neurons.length; k += 1) {
      for (const canvas of neurons[k]) {
        paintMap(canvas, maps, index, resolution);
        index += 1;
      }
    }
  }

  function drawPlane() {
    const plane = run.plane;
    if (!plane || !maps) return;
    const canvas = $("plane");
    const context = canvas.getContext("2d");
    const resolution = plane.resolution;
    const scratch = document.createElement("canvas");
    const outputs = run.sizes[run.sizes.length - 1];
    const first = run.sizes.slice(1).reduce((a, b) => a + b, 0) - outputs;
    if (run.task === "multiclass") {
      paintClasses(scratch, first, outputs, resolution);
    } else {
      paintMap(scratch, maps, first, resolution, lighten);
    }
    context.imageSmoothingEnabled = true;
    context.drawImage(scratch, 0, 0, canvas.width, canvas.height);
    drawPoints(context, canvas, plane);
  }

  function lighten(pixels) {
    // The plane's colours a little paler than the points', so that the points stand out.
    for (let p = 0; p < pixels.length; p += 4) {
      for (let c = 0; c < 3; c += 1) pixels[p + c] = 255 - (255 - pixels[p + c]) * 0.75;
    }
  }

  function paintClasses(canvas, first, classes, resolution) {
    canvas.width = resolution;
    canvas.height = resolution;
    const context = canvas.getContext("2d");
    const image = context.createImageData(resolution, resolution);
    const size = resolution * resolution;
    const palette = CLASS_COLOURS.map(hex);
    for (let p = 0; p < size; p += 1) {
      let best = 0;
      for (let c = 1; c < classes; c += 1) {
        if (maps[(first + c) * size + p] > maps[(first + best) * size + p]) best = c;
      }
      const strength = maps[(first + best) * size + p] / 255; // the winner's probability
      const colour = palette[best % palette.length];
      for (let c = 0; c < 3; c += 1) image.data[p * 4 + c] = 255 + (colour[c] - 255) * strength * 0.8;
      image.data[p * 4 + 3] = 255;
    }
    context.putImageData(image, 0, 0);
  }

  function pointPlace(plane, canvas, index) {
    const points = plane.points;
    const x = (points.x[index] - plane.x_range[0]) / (plane.x_range[1] - plane.x_range[0]);
    const y = (points.y[index] - plane.y_range[0]) / (plane.y_range[1] - plane.y_range[0]);
    return [x * canvas.width, (1 - y) * canvas.height];
  }

  function drawPoints(context, canvas, plane) {
    const showTest = $("show-test").checked;
    const points = plane.points;
    for (let index = 0; index < points.x.length; index += 1) {
      if (points.test[index] && !showTest) continue;
      const [x, y] = pointPlace(plane, canvas, index);
      context.beginPath();
      context.arc(x, y, 3.2, 0, 2 * Math.PI);
      const colour = points.colour[index];
      context.fillStyle = run.task === "multiclass"
        ? CLASS_COLOURS[colour % CLASS_COLOURS.length] : colourOf(colour);
      context.fill();
      context.lineWidth = 1;
      context.strokeStyle = points.test[index] ? "#000" : "#fff";
      context.stroke();
    }
  }

  function drawCurve() {
    const canvas = $("curve");
    const context = canvas.getContext("2d");
    context.clearRect(0, 0, canvas.width, canvas.height);
    const curve = frame.curve;
    const series = [["train", "#9aa5b1"], ["test", "#111"]].filter(([key]) => curve[key]);
    const values = series.flatMap(([key]) => curve[key]).filter((v) => v !== null);
    if (values.length === 0) return;
    const top = Math.max(...values) || 1;
    const last = Math.max(curve.epochs[curve.epochs.length - 1], 1);
    for (const [key, colour] of series) {
      context.beginPath();
      curve[key].forEach((value, index) => {
        if (value === null) return;
        const x = (curve.epochs[index] / last) * (canvas.width - 2) + 1;
        const y = canvas.height - 2 - (value / top) * (canvas.height - 6);
        if (index === 0) context.moveTo(x, y); else context.lineTo(x, y);
      });
      context.strokeStyle = colour;
      context.lineWidth = 1.5;
      context.stroke();
    }
  }

  function drawAnswers() {
    $("command-box").hidden = !frame.command;
    $("command").textContent = frame.command || "";
    const answers = frame.answers;
    $("answers").hidden = !answers;
    if (!answers) return;
    const table = $("answers-table");
    const target = answers.columns.indexOf(run.target);
    const head = document.createElement("tr");
    for (const name of ["line", ...answers.columns]) {
      const th = document.createElement("th");
      th.textContent = name;
      head.append(th);
    }
    const rows = answers.rows.map((cells, r) => {
      const tr = document.createElement("tr");
      [String(answers.lines[r]), ...cells].forEach((cell, c) => {
        const td = document.createElement("td");
        td.textContent = cell;
        if (c - 1 === target) td.className = "answer";
        tr.append(td);
      });
      return tr;
    });
    table.replaceChildren(head, ...rows);
    if (answers.total > answers.rows.length) {
      const tr = document.createElement("tr");
      const td = document.createElement("td");
      td.colSpan = answers.columns.length + 1;
      td.textContent = `and ${answers.total - answers.rows.length} more rows`;
      tr.append(td);
      table.append(tr);
    }
  }

  // -- see through ------------------------------------------------------------------------------

  function hoverable(element, thing) {
    element.addEventListener("mouseenter", () => {
      if (pinned) return;
      clearTimeout(seeTimer);
      seeTimer = setTimeout(() => see(thing), 40);
    });
    element.addEventListener("click", (event) => {
      event.stopPropagation();
      pin(thing, element);
    });
  }

  function pin(thing, element) {
    for (const old of document.querySelectorAll(".chosen")) {
      if (old.classList.contains("neuron") || old.tagName === "path") old.classList.remove("chosen");
    }
    pinned = thing;
    $("see-pin").hidden = false;
    if (element && element.classList) {
      if (element.tagName === "path") element.previousSibling.classList.add("chosen");
      else element.classList.add("chosen");
    }
    see(thing);
  }

  function unpin() {
    if (!pinned) return;
    pinned = null;
    $("see-pin").hidden = true;
    $("edit").hidden = true;
    for (const old of document.querySelectorAll(".neuron.chosen, path.chosen")) old.classList.remove("chosen");
  }

  async function see(thing, quietly) {
    lastSee = performance.now();
    const query = new URLSearchParams(Object.entries(thing).map(([k, v]) => [k, String(v)]));
    try {
      const sight = await request("GET", `/api/see?${query}`);
      shown = thing;
      $("see-title").textContent = sight.title;
      $("see-lines").textContent = sight.lines.join("\n");
      const editable = sight.value !== null && pinned === thing;
      $("edit").hidden = !editable;
      if (editable && (!quietly || document.activeElement !== $("edit-value"))) {
        $("edit-value").value = sight.value;
      }
    } catch (error) {
      if (!quietly) say(error.message);
    }
  }

  function pointAt(event) {
    const plane = run && run.plane;
    if (!plane) return null;
    const canvas = $("plane");
    const box = canvas.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * canvas.width;
    const y = ((event.clientY - box.top) / box.height) * canvas.height;
    const showTest = $("show-test").checked;
    let best = null;
    let bestDistance = 64; // 8 px, squared
    for (let index = 0; index < plane.points.x.length; index += 1) {
      if (plane.points.test[index] && !showTest) continue;
      const [px, py] = pointPlace(plane, canvas, index);
      const distance = (px - x) ** 2 + (py - y) ** 2;
      if (distance < bestDistance) {
        best = index;
        bestDistance = distance;
      }
    }
    return best === null ? null : {what: "point", row: best};
  }

  // -- files ------------------------------------------------------------------------------------

  async function sendTable(name, body) {
    say(`reading ${name}…`, true);
    await act(request("POST", `/api/table?name=${encodeURIComponent(name)}`, body, true));
  }

  async function download(path) {
    try {
      const response = await fetch(path);
      if (!response.ok) {
        const document = await response.json().catch(() => null);
        throw new Error((document && document.error) || response.statusText);
      }
      const disposition = response.headers.get("Content-Disposition") || "";
      const match = /filename="([^"]+)"/.exec(disposition);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = match ? match[1] : "download";
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      say("");
    } catch (error) {
      say(error.message);
    }
  }

  async function showProgram() {
    try {
      const response = await fetch("/api/program");
      if (!response.ok) throw new Error((await response.json()).error);
      $("program").textContent = await response.text();
      $("program-box").hidden = false;
      $("program-box").scrollIntoView({behavior: "smooth", block: "nearest"});
    } catch (error) {
      say(error.message);
    }
  }

  // -- controls ---------------------------------------------------------------------------------

  function wire() {
    DATASETS.forEach(([name, label]) => {
      const button = document.createElement("button");
      button.dataset.name = name;
      button.title = label;
      button.textContent = label;
      button.addEventListener("click", () => change({data: name}));
      $("datasets").append(button);
    });
    $("play").addEventListener("click", () => {
      const playing = frame && frame.playing;
      action(playing ? "pause" : "play");
    });
    $("step").addEventListener("click", async () => {
      const state = await action("step");
      if (state && state.story) $("story").textContent = state.story;
    });
    $("reset").addEventListener("click", () => action("reset"));
    $("regenerate").addEventListener("click", () => action("regenerate"));
    const numberControl = (id, key, parse) => $(id).addEventListener("change", () => {
      const value = parse($(id).value);
      if (Number.isFinite(value)) change({[key]: value});
    });
    numberControl("lr", "lr", parseFloat);
    numberControl("l2", "l2", parseFloat);
    numberControl("seed", "seed", (t) => parseInt(t, 10));
    numberControl("epochs", "epochs", (t) => parseInt(t, 10));
    numberControl("batch", "batch", (t) => parseInt(t, 10));
    for (const id of ["activation", "optimizer", "loss"]) {
      $(id).addEventListener("change", () => change({[id]: $(id).value}));
    }
    $("speed").addEventListener("change", () => change({speed: parseInt($("speed").value, 10)}));
    for (const [id, key] of [["train", "train"], ["noise", "noise"], ["table-train", "train"]]) {
      $(id).addEventListener("input", () => { $(`${id}-value`).textContent = `${$(id).value}%`; });
      $(id).addEventListener("change", () => change({[key]: parseInt($(id).value, 10)}));
    }
    $("tutorial").addEventListener("click", () => change({data: "tutorial"}));
    $("tables").addEventListener("change", () => {
      if ($("tables").value) change({data: "table", table: $("tables").value});
    });
    $("target").addEventListener("change", () => change({target: $("target").value}));
    const plane = () => change({plane: [$("plane-x").value, $("plane-y").value]});
    $("plane-x").addEventListener("change", plane);
    $("plane-y").addEventListener("change", plane);
    $("show-test").addEventListener("change", () => { if (frame) draw(); });
    $("add-layer").addEventListener("click", () => {
      if (run.controls.hidden.length < 6) change({hidden: [...run.controls.hidden, 2]});
    });
    $("remove-layer").addEventListener("click", () => {
      if (run.controls.hidden.length > 0) change({hidden: run.controls.hidden.slice(0, -1)});
    });
    $("upload").addEventListener("change", async () => {
      const file = $("upload").files[0];
      if (file) await sendTable(file.name, await file.arrayBuffer());
      $("upload").value = "";
    });
    $("paste-use").addEventListener("click", () => sendTable("pasted table", new TextEncoder().encode($("paste").value)));
    document.addEventListener("dragover", (event) => event.preventDefault());
    document.addEventListener("drop", async (event) => {
      event.preventDefault();
      const file = event.dataTransfer && event.dataTransfer.files[0];
      if (file) await sendTable(file.name, await file.arrayBuffer());
    });
    hoverable($("train-loss").parentElement, {what: "loss", row: 0});
    hoverable($("test-loss").parentElement, {what: "loss", row: 1});
    $("get-model").addEventListener("click", () => download("/api/model"));
    $("get-onnx").addEventListener("click", () => download("/api/onnx"));
    $("get-program").addEventListener("click", showProgram);
    $("save-program").addEventListener("click", () => download("/api/program?download=1"));
    $("get-data").addEventListener("click", () => {
      const isTable = run.controls.data === "tutorial" || run.controls.data === "table";
      download(`/api/data?part=${isTable ? "table" : "train"}`);
    });
    $("get-link").addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(location.href);
        say(`copied: ${location.href}`, true);
      } catch (error) {
        say(`the link to this run: ${location.href}`, true);
      }
    });
    $("edit").addEventListener("submit", (event) => {
      event.preventDefault();
      const value = parseFloat($("edit-value").value);
      if (!pinned || !Number.isFinite(value)) return;
      const body = {layer: pinned.layer, row: pinned.what === "bias" ? null : pinned.row,
        column: pinned.column, value};
      act(request("POST", "/api/weight", body)).then(() => see(pinned));
    });
    $("plane").addEventListener("mousemove", (event) => {
      if (pinned) return;
      const thing = pointAt(event);
      if (thing && (!shown || shown.what !== "point" || shown.row !== thing.row)) see(thing);
    });
    $("plane").addEventListener("click", (event) => {
      const thing = pointAt(event);
      event.stopPropagation();
      if (thing) pin(thing, null); else unpin();
    });
    document.addEventListener("click", (event) => {
      if (!event.target.closest("#see")) unpin();
    });
    document.addEventListener("keydown", (event) => {
      if (event.target.closest("input, select, textarea")) return;
      if (event.key === " ") { event.preventDefault(); $("play").click(); }
      if (event.key === "s") $("step").click();
      if (event.key === "r") $("reset").click();
    });
    window.addEventListener("resize", () => { if (run) { layOutDiagram(); draw(); } });
  }

  async function tellLastStep() {
    try {
      const answer = await request("GET", "/api/story");
      if (answer.story) $("story").textContent = answer.story;
    } catch (error) {
      say(error.message);
    }
  }

  // -- start ------------------------------------------------------------------------------------

  async function start() {
    wire();
    const asked = controlsInHash();
    if (asked) await change(asked);
    else await act(request("GET", "/api/state"));
    const events = new EventSource("/api/events");
    events.addEventListener("run", (event) => {
      const described = JSON.parse(event.data);
      if (!run || described.run !== run.run) newRun(described);
    });
    events.addEventListener("frame", (event) => showFrame(JSON.parse(event.data)));
    events.addEventListener("error", () => {
      say("lost the connection to glassnet playground: is it still running? (trying again)");
    });
    events.addEventListener("open", () => {
      if ($("message").textContent.startsWith("lost the connection")) say("");
    });
    window.glassnetPlayground = {
      get run() { return run; },
      get frame() { return frame; },
      get drawn() { return onScreen; },
      get frames() { return framesSeen; },
    };
    events.addEventListener("frame", () => { framesSeen += 1; });
  }

  let framesSeen = 0;
  start();
})();
