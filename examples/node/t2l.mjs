// t2l-edge without Python: a task description -> a GGUF LoRA adapter, from a bundle built by `t2l-edge build-engine`,
// and an answer from Gemma 3 270M with that adapter applied (node-llama-cpp).
//
//   tokenizer.json (@huggingface/tokenizers) -> encoder.onnx -> hypernet.onnx -> gguf.onnx (onnxruntime-node)
//   -> gguf_template.bin + the task text + gguf.onnx's output = the adapter file (docs/gguf-template.md)
//
// No quantizer and no knowledge of ggml layouts here: the bundle's graph emits the quantized tensor data, its template
// holds everything else. The bytes equal `Generator.generate_gguf` in Python, the rendered prompt equals
// `t2l_edge.prompts.adapter_prompt`, and the answer equals `t2l-edge apply` (tests/test_node_example.py).
//
//   import { generate, apply } from './t2l.mjs';
//   const gguf = await generate('Reverse the order of the words.');                 // a Buffer
//   const { answer } = await apply('Reverse the order of the words.', 'red fox jumps');

import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';

const GRAPHS = { encoder: 'encoder', hypernet: 'hypernet', gguf: 'gguf', card: 'card' };
export const BASE_MODEL_FILE = 'gemma-3-270m-q4_k_m.gguf';
export const DEFAULTS = Object.freeze({
  maxTokens: 48,
  context: 1024,
  threads: 2, // ONNX Runtime (it waits without spinning)
  // llama.cpp: node-llama-cpp's prebuilt ggml has no OpenMP, and its thread pool spins at every barrier; on a machine
  // whose cores are busy with other work, 2 threads answered 10-25x slower than 1 (12 tokens: 7-17 s vs 0.6 s).
  llamaThreads: 1,
});

/** Bad input: a missing or damaged bundle or model, a task text too long, an unknown prompt mode. */
export class BundleError extends Error {}

// -- prompts: t2l_edge/prompts.py, line for line -----------------------------------------------------------------

/** The prompt formats a bundle can name (manifest.prompt_format): how an input is framed and where the answer ends. */
export const PROMPT_FORMATS = Object.freeze({
  'io-v1': Object.freeze({
    template: (input) => `Input: ${input}\nOutput:`,
    withDescription: (description, prompt) => `${description}\n\n${prompt}`,
    stop: Object.freeze(['\n']),
  }),
});
/** instructed: the task description before the input (the adapter adds to it); bare: the input alone. */
export const PROMPT_MODES = Object.freeze(['instructed', 'bare']);
const LEGACY_PROMPT_MODE = 'bare'; // what a bundle from before prompt modes made its adapters for
const CARD_SEPARATOR = '\n';
const CARD_INPUT = 'Input: ';
const CARD_OUTPUT = 'Output: ';

function checkMode(mode, what) {
  if (!PROMPT_MODES.includes(mode)) {
    throw new BundleError(`${what} must be one of ${PROMPT_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  }
  return mode;
}

/** The mode a prompt is rendered in: the one asked for, else the one the bundle records, else bare. */
export function effectivePromptMode(override, recorded) {
  if (override != null) return checkMode(override, 'the prompt mode');
  return recorded ? checkMode(recorded, "the bundle's prompt_mode") : LEGACY_PROMPT_MODE;
}

/** A task card's description (its lines before the first example); a plain task text is its own description. */
export function cardDescription(task) {
  const lines = task.split(CARD_SEPARATOR);
  let end = lines.findIndex((line) => line.startsWith(CARD_INPUT));
  if (end < 0) end = lines.length;
  const description = lines.slice(0, end).join(CARD_SEPARATOR).trim();
  return description || null;
}

// -- task cards: t2l_edge/task_card.py (format card-v1), line for line -------------------------------------------

function exampleOf(value, where) {
  let pair = value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const missing = ['input', 'output'].find((key) => !(key in value));
    if (missing) throw new BundleError(`${where}: field '${missing}' is missing`);
    pair = [value.input, value.output];
  }
  if (!Array.isArray(pair) || pair.length !== 2) {
    throw new BundleError(`${where}: an example is an (input, output) pair or an object with 'input' and 'output'`);
  }
  const [input, output] = pair;
  if (typeof input !== 'string') throw new BundleError(`${where}: field 'input': must be a string`);
  if (typeof output !== 'string') throw new BundleError(`${where}: field 'output': must be a string`);
  if (!output.trim()) throw new BundleError(`${where}: field 'output': is empty`);
  if (/[\n\r]/.test(output)) {
    throw new BundleError(`${where}: field 'output': contains a line break; answers are one line (the prompt format `
                          + 'ends an answer at a newline)');
  }
  return { input, output };
}

/**
 * A task card's text, as Python's `render_card` writes it: the description (optional), then each example as an
 * `Input: ...` and an `Output: ...` line. Examples: `{ input, output }` objects or `[input, output]` pairs.
 */
export function renderCard(description, examples = []) {
  if (description != null && (typeof description !== 'string' || !description.trim())) {
    throw new BundleError('task card: the description must be a non-empty string');
  }
  if (!Array.isArray(examples)) throw new BundleError('task card: examples must be a list');
  const shown = examples.map((e, i) => exampleOf(e, `task card example ${i + 1}`));
  const lines = description != null ? [description] : [];
  for (const { input, output } of shown) lines.push(`${CARD_INPUT}${input}`, `${CARD_OUTPUT}${output}`);
  if (!lines.length) throw new BundleError('task card: give a description, examples, or both');
  return lines.join(CARD_SEPARATOR);
}

/** What a generator reads: a task text as it is, or a card `{ description, examples }` rendered by `renderCard`. */
export function taskText(task) {
  if (typeof task === 'string') {
    if (!task.trim()) throw new BundleError('a task text must be a non-empty string');
    return task;
  }
  if (task && typeof task === 'object' && !Array.isArray(task)) return renderCard(task.description, task.examples);
  throw new BundleError('a task is a non-empty string or a card { description, examples }');
}

/**
 * Examples for a card from a file, as `t2l-edge --examples FILE` reads them: JSONL (one `{"input", "output"}` object
 * per line), or JSON (a list of such objects, or an object with an "examples" list, e.g. a task in t2l-edge's format).
 */
export async function readExamples(file) {
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new BundleError(`${file}: ${e.code === 'ENOENT' ? 'file not found' : `cannot read it (${e.code ?? e.message})`}`);
  }
  const parse = (source, where) => {
    try {
      return JSON.parse(source);
    } catch (e) {
      throw new BundleError(`${where}: not valid JSON (${e.message.split('\n')[0]})`);
    }
  };
  let records;
  if (file.endsWith('.jsonl') || (text.trimStart().startsWith('{') && text.trim().includes('\n{'))) {
    records = text.split(/\r?\n/).map((line, i) => [line, i + 1]).filter(([line]) => line.trim())
      .map(([line, n]) => [`${file}:${n}`, parse(line, `${file}:${n}`)]);
  } else {
    let data = parse(text, file);
    if (data && typeof data === 'object' && !Array.isArray(data)) data = 'examples' in data ? data.examples : [data];
    if (!Array.isArray(data)) {
      throw new BundleError(`${file}: expected a list of {"input", "output"} objects, or an object with an 'examples' list`);
    }
    records = data.map((record, i) => [`${file}: item ${i + 1}`, record]);
  }
  if (!records.length) throw new BundleError(`${file}: no examples in the file`);
  return records.map(([where, record]) => {
    if (!record || typeof record !== 'object' || Array.isArray(record)) {
      throw new BundleError(`${where}: an example must be an object with 'input' and 'output'`);
    }
    return exampleOf(record, where);
  });
}

/** The prompt for `text` with an adapter generated from `task`, as `adapter_prompt` renders it in Python. */
export function renderPrompt(formatName, text, task, mode) {
  const format = PROMPT_FORMATS[formatName];
  if (!format) throw new BundleError(`unknown prompt format ${JSON.stringify(formatName)}`);
  const prompt = format.template(text);
  const description = checkMode(mode, 'the prompt mode') === 'instructed' ? cardDescription(task) : null;
  return description ? format.withDescription(description, prompt) : prompt;
}

// -- where t2l-edge keeps its files (t2l_edge/models.py) ---------------------------------------------------------

/** $T2L_EDGE_CACHE, else $XDG_CACHE_HOME/t2l-edge, else ~/.cache/t2l-edge. */
export function cacheDir() {
  if (process.env.T2L_EDGE_CACHE) return process.env.T2L_EDGE_CACHE;
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 't2l-edge');
}

/** Gemma 3 270M where `t2l-edge` puts it on first use. */
export function defaultModelPath() {
  return path.join(cacheDir(), 'models', BASE_MODEL_FILE);
}

/** The shipped hypernetwork's CPU bundle that `t2l-edge` builds on first use (the newest, if several). */
export function defaultBundleDir() {
  const root = path.join(cacheDir(), 'bundles');
  const found = existsSync(root)
    ? readdirSync(root).filter((n) => /^gemma3-270m-[0-9a-f]{12}-cpu-int8$/.test(n)
        && existsSync(path.join(root, n, 'manifest.json')))
    : [];
  found.sort((a, b) => statSync(path.join(root, b)).mtimeMs - statSync(path.join(root, a)).mtimeMs);
  return found.length ? path.join(root, found[0]) : null;
}

/** Throws a BundleError naming `what` and how to get it unless `file` is a file. */
export function requireFile(file, what, hint) {
  if (!file || !existsSync(file) || !statSync(file).isFile()) {
    throw new BundleError(`${what} not found${file ? `: ${file}` : ''} (${hint})`);
  }
}

const BUNDLE_HINT = 'make one with `t2l-edge build-engine --target cpu --precision int8 --output bundle/`, or run '
  + '`t2l-edge apply` once to build the default';
export const MODEL_HINT = 'run `t2l-edge apply` once to put Gemma 3 270M there, or give its path';

// -- the generator ------------------------------------------------------------------------------------------------

async function sha256(file) {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

export class AdapterGenerator {
  /** Open a bundle: read the manifest, check every file's sha256, load the tokenizer and the three graphs. */
  static async open(bundleDir, { threads = DEFAULTS.threads, verify = true } = {}) {
    if (!bundleDir) throw new BundleError(`no bundle given and no default bundle found (${BUNDLE_HINT})`);
    requireFile(path.join(bundleDir, 'manifest.json'), 'bundle', BUNDLE_HINT);
    let manifest;
    try {
      manifest = JSON.parse(await readFile(path.join(bundleDir, 'manifest.json'), 'utf8'));
    } catch (e) {
      throw new BundleError(`${path.join(bundleDir, 'manifest.json')}: not a bundle manifest (${e.message})`);
    }
    if (!manifest.gguf || !manifest.graphs?.[GRAPHS.gguf]) {
      throw new BundleError(`${bundleDir}: this bundle has no GGUF graph and template (rebuild it with t2l-edge build-engine)`);
    }
    if (manifest.graphs[GRAPHS.card]) {  // its cards are read by the base model (Python's CardReader): not done here
      throw new BundleError(`${bundleDir}: this bundle reads task cards through the base model (card.onnx), which the `
                            + 'Node consumer does not do: use a bundle of a hypernetwork without a card reader');
    }
    if (verify) {
      for (const [name, info] of Object.entries(manifest.files)) {
        const file = path.join(bundleDir, name);
        requireFile(file, 'bundle file', 'the bundle is incomplete: rebuild it');
        if ((await sha256(file)) !== info.sha256) {
          throw new BundleError(`${file}: sha256 differs from the manifest's (modified or corrupted)`);
        }
      }
    }
    const options = {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
    const session = (role) => ort.InferenceSession.create(path.join(bundleDir, manifest.graphs[role].file), options);
    const tokenizerJson = JSON.parse(await readFile(path.join(bundleDir, 'tokenizer.json'), 'utf8'));
    const [encoder, hypernet, writer, template] = await Promise.all([
      session(GRAPHS.encoder), session(GRAPHS.hypernet), session(GRAPHS.gguf),
      readFile(path.join(bundleDir, manifest.gguf.template)),
    ]);
    return new AdapterGenerator(manifest, new Tokenizer(tokenizerJson, {}), encoder, hypernet, writer, template);
  }

  constructor(manifest, tokenizer, encoder, hypernet, writer, template) {
    Object.assign(this, { manifest, tokenizer, encoder, hypernet, writer, template });
    this.gguf = manifest.gguf;
    this.promptFormat = manifest.prompt_format;
    this.promptMode = manifest.prompt_mode || LEGACY_PROMPT_MODE;
  }

  /** input_ids and attention_mask (1, T) int64, as the Python generator makes them; refuses what it would cut. */
  tokenize(text) {
    const { ids } = this.tokenizer.encode(text);
    const max = this.manifest.encoder.max_length;
    if (ids.length > max) {
      throw new BundleError(`the task text is longer than the ${max} tokens the text encoder reads: shorten it`);
    }
    const dims = [1, ids.length];
    return {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), dims),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), dims),
    };
  }

  /** A task text or card -> the bytes of its GGUF adapter (a Buffer), in the bundle's recipe (manifest.gguf.recipe). */
  async generateGguf(task) {
    const text = taskText(task);
    const { embedding } = await this.encoder.run(this.tokenize(text), ['embedding']);
    const names = this.manifest.graphs[GRAPHS.gguf].inputs;
    const loras = await this.hypernet.run({ embedding }, names);
    const { gguf_data: data, finite } = await this.writer.run(loras, ['gguf_data', 'finite']);
    if (finite.data[0] !== 0) throw new BundleError(`the hypernetwork produced non-finite values for ${JSON.stringify(text)}`);
    // uint16 words; their little-endian bytes are the data section (Node runs on little-endian CPUs only)
    return assemble(this.gguf, this.template, text, Buffer.from(data.data.buffer, data.data.byteOffset, data.data.byteLength));
  }

  /** Free the ONNX Runtime sessions (about 150 MB). */
  async release() {
    await Promise.all([this.encoder.release(), this.hypernet.release(), this.writer.release()]);
  }
}

/** docs/gguf-template.md: template[..offset] + u64 name length + name + template[offset+8..] + zeros to the alignment + data. */
export function assemble(info, template, task, data) {
  if (data.length !== info.data_bytes) {
    throw new BundleError(`GGUF tensor data has ${data.length} bytes, the bundle's template expects ${info.data_bytes}`);
  }
  const name = Buffer.from(task, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(name.length));
  const head = Buffer.concat([template.subarray(0, info.task_offset), length, name, template.subarray(info.task_offset + 8)]);
  const pad = Buffer.alloc((info.alignment - (head.length % info.alignment)) % info.alignment);
  return Buffer.concat([head, pad, data]);
}

// -- the base model with an adapter (node-llama-cpp) ------------------------------------------------------------

/** Gemma 3 270M loaded once; `complete` answers a prompt greedily with one adapter applied. */
export class BaseModel {
  static async load(modelPath, { threads = DEFAULTS.llamaThreads, context = DEFAULTS.context } = {}) {
    requireFile(modelPath, 'base model', MODEL_HINT);
    const { getLlama, LlamaCompletion, LlamaLogLevel } = await import('node-llama-cpp');
    const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, maxThreads: threads });
    const model = await llama.loadModel({ modelPath });
    return new BaseModel(model, LlamaCompletion, { threads, context });
  }

  constructor(model, LlamaCompletion, options) {
    Object.assign(this, { model, LlamaCompletion, options });
  }

  /** Greedy completion of `prompt` with the adapter (GGUF bytes; null: none), stopping at `stop`. */
  async complete(prompt, adapter, { maxTokens = DEFAULTS.maxTokens, stop = [] } = {}) {
    const dir = adapter ? await mkdtemp(path.join(os.tmpdir(), 't2l-node-')) : null;
    try {
      let lora;
      if (adapter) { // node-llama-cpp loads LoRAs from files; a fresh name each time: it caches them by path
        const file = path.join(dir, `${randomUUID()}.gguf`);
        await writeFile(file, adapter);
        lora = { adapters: [{ filePath: file }] };
      }
      // flash attention off and a full-size sliding-window cache: what t2l-edge's llama.cpp runner uses, so that the
      // arithmetic, hence the greedy answer, is the same (node-llama-cpp's defaults differ)
      const ctx = await this.model.createContext({
        contextSize: this.options.context, threads: this.options.threads, lora, flashAttention: false, swaFullCache: true,
      });
      try {
        const completion = new this.LlamaCompletion({ contextSequence: ctx.getSequence() });
        return await completion.generateCompletion(prompt, {
          maxTokens, temperature: 0, repeatPenalty: false, customStopTriggers: stop.length ? stop : undefined,
        });
      } finally {
        await ctx.dispose();
      }
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  }

  async dispose() {
    await this.model.dispose();
  }
}

// -- the two calls most programs need ---------------------------------------------------------------------------

const generators = new Map(); // bundle dir + threads -> Promise<AdapterGenerator>
const models = new Map(); // model path + options -> Promise<BaseModel>

function once(cache, key, open) {
  if (!cache.has(key)) {
    const opening = open();
    cache.set(key, opening);
    opening.catch(() => cache.delete(key)); // a failed open is retried next time
  }
  return cache.get(key);
}

function openGenerator(bundle, threads) {
  const dir = bundle ?? defaultBundleDir();
  return once(generators, `${dir}\0${threads}`, () => AdapterGenerator.open(dir, { threads }));
}

function loadModel(model, llamaThreads, context) {
  const file = model ?? defaultModelPath();
  return once(models, `${file}\0${llamaThreads}\0${context}`, () => BaseModel.load(file, { threads: llamaThreads, context }));
}

/** The GGUF adapter (a Buffer) for a task text or card. The bundle opens on the first call and stays open. */
export async function generate(task, { bundle, threads = DEFAULTS.threads } = {}) {
  return (await openGenerator(bundle, threads)).generateGguf(task);
}

/**
 * Generate the adapter of the task (a text or a card) and answer `input` with it: the input rendered in the bundle's
 * prompt format and mode (or `promptMode`), greedy, stopping at the end of the answer, as `t2l-edge apply` does. The
 * bundle and the model load on the first call (side by side) and stay loaded; `close()` frees them.
 */
export async function apply(task, input, {
  bundle, model, promptMode, raw = false, maxTokens = DEFAULTS.maxTokens, context = DEFAULTS.context,
  threads = DEFAULTS.threads, llamaThreads = DEFAULTS.llamaThreads,
} = {}) {
  if (typeof input !== 'string') throw new BundleError('the input must be a string');
  const [generator, base] = await Promise.all([openGenerator(bundle, threads), loadModel(model, llamaThreads, context)]);
  const start = performance.now();
  const adapter = await generator.generateGguf(task);
  const generateMs = performance.now() - start;
  const mode = effectivePromptMode(promptMode, generator.promptMode);
  const format = PROMPT_FORMATS[generator.promptFormat];
  if (!format && !raw) throw new BundleError(`unknown prompt format ${JSON.stringify(generator.promptFormat)}`);
  const prompt = raw ? input : renderPrompt(generator.promptFormat, input, taskText(task), mode);
  const text = await base.complete(prompt, adapter, { maxTokens, stop: raw ? [] : format.stop });
  return {
    answer: raw ? text : text.trim(), prompt, promptMode: raw ? null : mode, adapterBytes: adapter.length,
    recipe: generator.gguf.recipe, generateMs, answerMs: performance.now() - start - generateMs,
  };
}

/** Free every bundle and model that generate() and apply() opened. */
export async function close() {
  const opened = [...generators.values(), ...models.values()];
  generators.clear();
  models.clear();
  for (const item of await Promise.allSettled(opened)) {
    if (item.status === 'fulfilled') await (item.value.release?.() ?? item.value.dispose?.());
  }
}
