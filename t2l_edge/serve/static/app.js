// The playground: generate an adapter from the task text, then answer the input twice: the base model told the task
// (the instructed prompt, the adapter at scale 0) and with the adapter (its own prompt format and mode, greedy: the
// answer `t2l-edge apply` gives). The adapter's GGUF can be downloaded. Example tasks come from examples.json.
"use strict";

const $ = (id) => document.getElementById(id);
let baseModel = null;
let adapterId = null;

class HttpError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

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
    throw new HttpError(response.status, message);
  }
  return response;
}

function status(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

function showError(e) {
  if (e.status === 401) {  // the key lives under Options: open them and put the cursor there
    $("options").open = true;
    $("api-key").focus();
    status("This server needs an API key: enter it under Options and run again.", true);
    return;
  }
  status(e.message, true);
}

async function loadModel() {
  if (baseModel) return baseModel;
  const models = await (await call("GET", "/v1/models")).json();
  baseModel = models.data.find((m) => m.t2l && m.t2l.kind === "base").id;
  $("model").textContent = baseModel;
  return baseModel;
}

function ms(value) {
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`;
}

// One column's answer: the text, the time the request took, and the prompt the model was given.
async function answer(column, body) {
  const start = performance.now();
  const result = await (await call("POST", "/v1/completions", body)).json();
  $(column + "-answer").textContent = result.choices[0].text.trim() || "(empty answer)";
  $(column + "-answer").classList.remove("pending");
  $(column + "-latency").textContent = `answered in ${ms(performance.now() - start)}`;
  $(column + "-prompt").textContent = result.t2l.prompt;
}

function clearResults() {
  for (const column of ["base", "adapted"]) {
    $(column + "-answer").textContent = "…";
    $(column + "-answer").classList.add("pending");
    $(column + "-latency").textContent = "";
    $(column + "-prompt").textContent = "";
  }
  $("adapter-info").textContent = "";
  $("download").disabled = true;
  adapterId = null;
}

async function run(event) {
  if (event) event.preventDefault();
  const task = $("task").value.trim();
  const prompt = $("prompt").value.trim();
  if (!task || !prompt) { status("Give a task description and an input.", true); return; }
  $("run").disabled = true;
  clearResults();
  try {
    await loadModel();
    status("Generating the adapter…");
    const adapter = await (await call("POST", "/v1/adapters", { task, quantization: $("quantization").value })).json();
    adapterId = adapter.id;
    const generation = adapter.cache === "hit" ? "cached" : `generated in ${ms(adapter.generation_ms)}`;
    $("adapter-info").textContent =
      `Adapter ${adapter.id}: ${adapter.quantization}, ${(adapter.gguf_bytes / 1048576).toFixed(2)} MiB, ${generation}.`;
    $("download").disabled = false;
    const maxTokens = Number($("max-tokens").value);
    status("Answering…");
    await answer("base", { prompt, adapter: adapter.id, prompt_mode: "instructed", lora_scale: 0, max_tokens: maxTokens });
    await answer("adapted", { prompt, adapter: adapter.id, max_tokens: maxTokens });
    status("Done.");
  } catch (e) {
    showError(e);
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
    showError(e);
  }
}

async function loadExamples() {
  const examples = await (await fetch("/static/examples.json")).json();
  for (const example of examples.examples) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = example.title;
    button.title = `${example.task} (input: ${example.input})`;
    button.addEventListener("click", () => {
      $("task").value = example.task;
      $("prompt").value = example.input;
      run();
    });
    $("examples").appendChild(button);
  }
}

$("form").addEventListener("submit", run);
$("download").addEventListener("click", download);
loadModel().catch(() => { /* shown on first run */ });
loadExamples().catch(() => { /* the page works without them */ });
