// The playground: generate an adapter from the task text, answer the input with the base and with the adapter
// (greedy, io-v1 prompt format: the same answers as `t2l-edge apply`), offer the adapter's GGUF for download.
"use strict";

const $ = (id) => document.getElementById(id);
let baseModel = null;
let adapterId = null;

function headers() {
  const h = { "Content-Type": "application/json" };
  const key = $("api-key").value.trim();
  if (key) h["Authorization"] = "Bearer " + key;
  return h;
}

async function call(method, path, body) {
  const response = await fetch(path, { method, headers: headers(), body: body ? JSON.stringify(body) : undefined });
  if (!response.ok) {
    let message = response.status + " " + response.statusText;
    try { message = (await response.json()).error.message; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return response;
}

function status(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

async function loadModel() {
  if (baseModel) return baseModel;
  const models = await (await call("GET", "/v1/models")).json();
  baseModel = models.data.find((m) => m.t2l && m.t2l.kind === "base").id;
  $("model").textContent = baseModel;
  return baseModel;
}

async function complete(prompt, extra) {
  const body = Object.assign({ prompt, format: "io-v1", temperature: 0, max_tokens: Number($("max-tokens").value) }, extra);
  const result = await (await call("POST", "/v1/completions", body)).json();
  return result.choices[0].text.trim();
}

async function run(event) {
  event.preventDefault();
  const task = $("task").value.trim();
  const prompt = $("prompt").value.trim();
  if (!task || !prompt) { status("Give a task description and an input.", true); return; }
  $("run").disabled = true;
  try {
    const model = await loadModel();
    status("Generating the adapter…");
    const adapter = await (await call("POST", "/v1/adapters", { task, quantization: $("quantization").value })).json();
    adapterId = adapter.id;
    status("Answering…");
    const adapted = await complete(prompt, { adapter: adapter.id });
    const base = await complete(prompt, { model });
    $("adapted-answer").textContent = adapted;
    $("base-answer").textContent = base;
    const generation = adapter.cache === "hit" ? "cached" : `generated in ${adapter.generation_ms.toFixed(1)} ms`;
    $("adapter-info").textContent =
      `Adapter ${adapter.id}: ${adapter.quantization}, ${(adapter.gguf_bytes / 1048576).toFixed(2)} MiB, ${generation}.`;
    $("results").hidden = false;
    status("Done.");
  } catch (e) {
    status(e.message, true);
  } finally {
    $("run").disabled = false;
  }
}

async function download() {
  if (!adapterId) return;
  try {
    const blob = await (await call("GET", `/v1/adapters/${encodeURIComponent(adapterId)}/gguf`)).blob();
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = adapterId + ".gguf";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  } catch (e) {
    status(e.message, true);
  }
}

$("form").addEventListener("submit", run);
$("download").addEventListener("click", download);
loadModel().catch(() => { /* shown on first run */ });
