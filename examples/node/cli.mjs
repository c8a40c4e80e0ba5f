#!/usr/bin/env node
// t2l-node: a task description -> a GGUF adapter (no Python), and with --prompt an answer from Gemma 3 270M with it.
// Bad input is one line on stderr starting "error: " and exit 2; an internal failure exits 3.

import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import {
  AdapterGenerator, BaseModel, BundleError, DEFAULTS, MODEL_HINT, PROMPT_FORMATS, PROMPT_MODES, defaultBundleDir,
  defaultModelPath, effectivePromptMode, readExamples, renderCard, renderPrompt, requireFile,
} from './t2l.mjs';

const USAGE = `usage: t2l-node --task TEXT [--examples FILE] [--bundle DIR] [--out adapter.gguf]
                [--prompt TEXT [--model gemma.gguf] [--max-tokens N] [--prompt-mode instructed|bare] [--raw]]
                [--threads N] [--llama-threads N] [--context N] [--json]

Writes the task's GGUF adapter from a t2l-edge bundle (ONNX Runtime, no Python); with --prompt, answers it with
Gemma 3 270M and the adapter applied (node-llama-cpp, greedy): the same answer as \`t2l-edge apply\`.

  --task TEXT          what the adapter should do ("Reverse the order of the words.")
  --examples FILE      solved examples for a task card, with or without --task (JSONL of {"input", "output"}, or JSON)
  --bundle DIR         a bundle from \`t2l-edge build-engine\` (default: the one t2l-edge built in its cache)
  --out FILE           write the adapter there
  --prompt TEXT        an input to answer with the adapter
  --model FILE         the base model GGUF (default: the one t2l-edge put in its cache)
  --max-tokens N       longest answer (default ${DEFAULTS.maxTokens})
  --prompt-mode MODE   instructed (the task before the input) or bare (default: what the bundle records)
  --raw                send --prompt as it is, not in the bundle's prompt format
  --threads N          ONNX Runtime threads (default ${DEFAULTS.threads})
  --llama-threads N    llama.cpp threads (default ${DEFAULTS.llamaThreads}; see README.md)
  --context N          llama.cpp context size (default ${DEFAULTS.context})
  --json               print one JSON object
  -h, --help           this text`;

const OPTIONS = {
  bundle: { type: 'string' }, task: { type: 'string' }, examples: { type: 'string' }, out: { type: 'string' },
  model: { type: 'string' }, prompt: { type: 'string' }, 'max-tokens': { type: 'string' }, 'prompt-mode': { type: 'string' },
  context: { type: 'string' }, threads: { type: 'string' }, 'llama-threads': { type: 'string' },
  raw: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

function positiveInt(value, name, fallback) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new BundleError(`--${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

function parse(argv) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: false }).values;
  } catch (e) { // unknown option, missing value: Node's message, on one line
    throw new BundleError(`${e.message.split('\n')[0]} (see --help)`);
  }
}

async function main(argv) {
  const a = parse(argv);
  if (a.help) {
    console.log(USAGE);
    return;
  }
  if (a.task === undefined && a.examples === undefined) {
    throw new BundleError('give --task TEXT and/or --examples FILE (see --help)');
  }
  if (a.task !== undefined && !a.task.trim()) throw new BundleError('the task description is empty');
  for (const name of ['model', 'max-tokens', 'prompt-mode', 'raw', 'llama-threads', 'context']) {
    const given = a[name] !== undefined && a[name] !== false;
    if (given && a.prompt === undefined) throw new BundleError(`--${name} needs --prompt`);
  }
  if (a['prompt-mode'] !== undefined && !PROMPT_MODES.includes(a['prompt-mode'])) {
    throw new BundleError(`--prompt-mode must be one of ${PROMPT_MODES.join(', ')}, got ${JSON.stringify(a['prompt-mode'])}`);
  }
  const threads = positiveInt(a.threads, 'threads', DEFAULTS.threads);
  const llamaThreads = positiveInt(a['llama-threads'], 'llama-threads', DEFAULTS.llamaThreads);
  const maxTokens = positiveInt(a['max-tokens'], 'max-tokens', DEFAULTS.maxTokens);
  const context = positiveInt(a.context, 'context', DEFAULTS.context);
  const bundle = a.bundle ?? defaultBundleDir();

  const answering = a.prompt !== undefined;
  const modelPath = a.model ?? defaultModelPath();
  if (answering) requireFile(modelPath, 'base model', MODEL_HINT); // before any work
  const examples = a.examples !== undefined ? await readExamples(a.examples) : null;
  const task = examples ? renderCard(a.task, examples) : a.task; // a card: as `t2l-edge --examples` renders it
  const generator = await AdapterGenerator.open(bundle, { threads });
  const start = performance.now();
  const adapter = await generator.generateGguf(task);
  const result = { task: a.task ?? null, ...(examples ? { examples: examples.length } : {}),
                   recipe: generator.gguf.recipe, adapter_bytes: adapter.length, generate_ms: performance.now() - start };
  if (a.out) {
    await writeFile(a.out, adapter);
    result.out = a.out;
  }
  if (answering) {
    // one after the other: the ONNX Runtime sessions are freed before llama.cpp loads the model, so the peak is the
    // larger of the two, not their sum (loaded side by side it was 1.6x Python's apply)
    await generator.release();
    const base = await BaseModel.load(modelPath, { threads: llamaThreads, context });
    const mode = effectivePromptMode(a['prompt-mode'], generator.promptMode);
    const format = PROMPT_FORMATS[generator.promptFormat];
    if (!format && !a.raw) throw new BundleError(`unknown prompt format ${generator.promptFormat}`);
    const prompt = a.raw ? a.prompt : renderPrompt(generator.promptFormat, a.prompt, task, mode);
    const t0 = performance.now();
    const text = await base.complete(prompt, adapter, { maxTokens, stop: a.raw ? [] : format.stop });
    Object.assign(result, { prompt: a.prompt, prompt_mode: a.raw ? null : mode, answer: a.raw ? text : text.trim(),
                            answer_ms: performance.now() - t0, peak_rss_bytes: process.resourceUsage().maxRSS * 1024 });
    await base.dispose();
  }
  console.log(a.json ? JSON.stringify(result) : Object.entries(result).map(([k, v]) => `${k}: ${v}`).join('\n'));
}

main(process.argv.slice(2)).catch((e) => {
  const bad = e instanceof BundleError;
  console.error(`error: ${String(e?.message ?? e).split('\n')[0]}`);
  process.exit(bad ? 2 : 3);
});
