#!/usr/bin/env node
// node cli.mjs --bundle DIR --task "Reverse the words." [--out adapter.gguf]
//              [--model gemma-3-270m.gguf --prompt "hello world" [--max-tokens 48] [--raw]] [--json]
// Writes the task's GGUF adapter from the bundle (no Python), and with --model answers --prompt greedily with
// node-llama-cpp, the adapter applied as a LoRA: the same answer as `t2l-edge apply --bundle DIR`.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { AdapterGenerator, BundleError } from './t2l.mjs';

// The bundle names its prompt format (t2l_edge/prompts.py): how an input is framed and where the answer stops.
const PROMPT_FORMATS = { 'io-v1': { template: (input) => `Input: ${input}\nOutput:`, stop: ['\n'] } };

const { values: a } = parseArgs({
  options: {
    bundle: { type: 'string' }, task: { type: 'string' }, out: { type: 'string' }, model: { type: 'string' },
    prompt: { type: 'string' }, 'max-tokens': { type: 'string', default: '48' }, context: { type: 'string', default: '1024' },
    threads: { type: 'string', default: '2' }, raw: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
  },
});

async function answer(modelPath, adapterBytes, prompt, { maxTokens, context, threads, raw, format }) {
  const { getLlama, LlamaCompletion, LlamaLogLevel } = await import('node-llama-cpp');
  const dir = await mkdtemp(path.join(os.tmpdir(), 't2l-node-'));
  const adapterPath = path.join(dir, 'adapter.gguf'); // node-llama-cpp loads LoRAs from files
  await writeFile(adapterPath, adapterBytes);
  try {
    const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, maxThreads: threads });
    const model = await llama.loadModel({ modelPath });
    const ctx = await model.createContext({ contextSize: context, threads, lora: { adapters: [{ filePath: adapterPath }] } });
    const completion = new LlamaCompletion({ contextSequence: ctx.getSequence() });
    const text = await completion.generateCompletion(raw ? prompt : format.template(prompt), {
      maxTokens, temperature: 0, repeatPenalty: false, customStopTriggers: raw ? undefined : format.stop,
    });
    await model.dispose();
    return text.trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (!a.bundle || !a.task) throw new BundleError('give --bundle DIR and --task TEXT');
  if (a.model && a.prompt === undefined) throw new BundleError('--model needs --prompt');
  const threads = Number(a.threads);
  const generator = await AdapterGenerator.open(a.bundle, { threads });
  const start = performance.now();
  const adapter = await generator.generateGguf(a.task);
  const result = { task: a.task, recipe: generator.gguf.recipe, adapter_bytes: adapter.length,
                   generate_ms: performance.now() - start };
  if (a.out) {
    await writeFile(a.out, adapter);
    result.out = a.out;
  }
  if (a.model) {
    const format = PROMPT_FORMATS[generator.manifest.prompt_format];
    if (!format && !a.raw) throw new BundleError(`unknown prompt format ${generator.manifest.prompt_format}`);
    result.prompt = a.prompt;
    result.answer = await answer(a.model, adapter, a.prompt, {
      maxTokens: Number(a['max-tokens']), context: Number(a.context), threads, raw: a.raw, format,
    });
  }
  console.log(a.json ? JSON.stringify(result) : Object.entries(result).map(([k, v]) => `${k}: ${v}`).join('\n'));
}

main().catch((e) => {
  console.error(`error: ${e instanceof BundleError ? e.message : (e?.message ?? e)}`);
  process.exit(e instanceof BundleError ? 2 : 3);
});
