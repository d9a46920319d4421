// signgen live page: connects to /stream, shows the newest frame and plots each frame's latency.
"use strict";

const params = new URLSearchParams(location.search);
const token = params.get("token");
const $ = (id) => document.getElementById(id);
const latencies = [];
const arrivals = [];
let socket = null;
let frames = 0;
let dropped = 0;

function streamUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const query = token ? `?token=${encodeURIComponent(token)}` : "";
  return `${scheme}//${location.host}/stream${query}`;
}

function setStatus(state, text) {
  $("status").dataset.state = state;
  $("status").textContent = text;
}

function say(text) {
  $("message").textContent = text;
}

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function start(extra) {
  const size = Number($("size").value);
  send({ type: "start", language: $("language").value, format: "jpeg", size, ...extra });
}

function startWithPick() {
  start({ reference: $("reference").value });
}

function percentile(values, q) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function plot() {
  const canvas = $("latency");
  const g = canvas.getContext("2d");
  const { width, height } = canvas;
  g.clearRect(0, 0, width, height);
  const top = Math.max(100, ...latencies) * 1.1;
  g.strokeStyle = "#dde";
  g.fillStyle = "#667";
  g.font = "10px sans-serif";
  for (let ms = 0; ms <= top; ms += top > 400 ? 200 : 50) {
    const y = height - (ms / top) * height;
    g.beginPath(); g.moveTo(0, y); g.lineTo(width, y); g.stroke();
    g.fillText(`${ms}`, 2, y - 2);
  }
  g.strokeStyle = "#2a62c9";
  g.lineWidth = 1.5;
  g.beginPath();
  const last = Math.max(latencies.length - 1, 1);
  latencies.forEach((ms, i) => {
    const x = (i / last) * width;
    const y = height - (ms / top) * height;
    if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
  });
  g.stroke();
  const span = arrivals.length > 1 ? (arrivals[arrivals.length - 1] - arrivals[0]) / 1000 : 0;
  const fps = span > 0 ? (arrivals.length - 1) / span : NaN;
  $("stats").textContent =
    `fps ${isNaN(fps) ? "–" : fps.toFixed(1)} · p50 ${percentile(latencies, 0.5)?.toFixed(0) ?? "–"} ms` +
    ` · p95 ${percentile(latencies, 0.95)?.toFixed(0) ?? "–"} ms · dropped ${dropped}`;
}

function onFrame(message) {
  $("frame").src = `data:image/${message.format};base64,${message.image}`;
  frames += 1;
  dropped = message.dropped;
  // End to end: from when the frame was due on the server's clock to now (same machine or
  // synchronised clocks); the server's own share is message.latency_ms.
  const now = Date.now();
  const latency = Math.max(message.latency_ms, now - message.due_ms);
  latencies.push(latency);
  arrivals.push(now);
  if (latencies.length > 200) latencies.shift();
  if (arrivals.length > 50) arrivals.shift();
  $("frame-count").textContent = String(frames);
  $("current-gloss").textContent = message.gloss || "rest";
  document.body.dataset.frames = String(frames);
  if (frames % 5 === 0) plot();
}

function connect() {
  socket = new WebSocket(streamUrl());
  socket.onopen = () => { setStatus("open", "connected"); startWithPick(); };
  socket.onclose = () => { setStatus("closed", "disconnected"); };
  socket.onerror = () => { setStatus("error", "connection error"); };
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "frame") onFrame(message);
    else if (message.type === "ready") say(`ready: ${message.size} px at ${message.fps} fps`);
    else if (message.type === "queued") say(`queued ${message.glosses.join(" ") || "nothing"} (${message.queued} frames waiting)`);
    else if (message.type === "warning") say(`note: ${message.message}`);
    else if (message.type === "error") say(`error: ${message.message}`);
  };
}

async function loadReferences() {
  const response = await fetch("/references");
  const list = await response.json();
  for (const item of list) {
    const option = document.createElement("option");
    option.value = item.name;
    option.textContent = item.name;
    $("reference").appendChild(option);
  }
}

$("reference").addEventListener("change", startWithPick);
$("language").addEventListener("change", startWithPick);
$("size").addEventListener("change", startWithPick);
$("upload").addEventListener("change", () => {
  const file = $("upload").files[0];
  if (!file) return;
  // Scaled down here (the server frames it to the model's size anyway): phone photos stay
  // far below the message size limit.
  createImageBitmap(file).then((bitmap) => {
    const scale = Math.min(1, 768 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    start({ image: canvas.toDataURL("image/jpeg", 0.92) });
  }, () => say("error: that file is not an image this browser can read"));
});
$("gloss-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("gloss").value.trim();
  if (text) send({ type: "gloss", text });
});
$("clear").addEventListener("click", () => send({ type: "clear" }));

loadReferences().then(connect, (error) => { setStatus("error", "server unreachable"); say(String(error)); });
