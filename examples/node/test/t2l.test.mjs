// node --test test/   (npm test). The bundle and the base model: $T2L_BUNDLE and $T2L_MODEL, else t2l-edge's defaults
// in its cache (`t2l-edge apply` once puts both there). tests/test_node_example.py runs this from `make test`, and
// checks the same module against Python (adapter bytes, rendered prompts, answers).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as t2l from '../t2l.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(HERE, '..');
const BUNDLE = process.env.T2L_BUNDLE || t2l.defaultBundleDir();
const MODEL = process.env.T2L_MODEL || t2l.defaultModelPath();
const TASK = 'Reverse the order of the words.';

function cli(...args) {
  return spawnSync(process.execPath, [path.join(ROOT, 'cli.mjs'), ...args], { encoding: 'utf8', timeout: 600_000 });
}

function oneLineError(run, needle) {
  assert.equal(run.status, 2, run.stderr);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0], /^error: /);
  assert.ok(lines[0].includes(needle), `${JSON.stringify(needle)} not in ${lines[0]}`);
}

after(() => t2l.close());

describe('prompts, as t2l_edge/prompts.py renders them', () => {
  test('bare: the input alone in the format', () => {
    assert.equal(t2l.renderPrompt('io-v1', 'red fox', TASK, 'bare'), 'Input: red fox\nOutput:');
  });
  test('instructed: the description, a blank line, then the input', () => {
    assert.equal(t2l.renderPrompt('io-v1', 'red fox', TASK, 'instructed'), `${TASK}\n\nInput: red fox\nOutput:`);
  });
  test("a task card's examples never go into the prompt", () => {
    const card = 'Reverse the words.\nInput: a b\nOutput: b a';
    assert.equal(t2l.renderPrompt('io-v1', 'x y', card, 'instructed'), 'Reverse the words.\n\nInput: x y\nOutput:');
    assert.equal(t2l.renderPrompt('io-v1', 'x y', 'Input: a b\nOutput: b a', 'instructed'), 'Input: x y\nOutput:');
    assert.equal(t2l.cardDescription('  Sum.  '), 'Sum.');
  });
  test('the mode: asked for, else recorded, else bare; anything else refused', () => {
    assert.equal(t2l.effectivePromptMode(undefined, ''), 'bare');
    assert.equal(t2l.effectivePromptMode(null, 'instructed'), 'instructed');
    assert.equal(t2l.effectivePromptMode('bare', 'instructed'), 'bare');
    assert.throws(() => t2l.effectivePromptMode('chatty', ''), t2l.BundleError);
    assert.throws(() => t2l.renderPrompt('io-v9', 'x', TASK, 'bare'), /unknown prompt format/);
  });
});

test('every export is declared in t2l.d.ts', () => {
  const declared = new Set([...readFileSync(path.join(ROOT, 't2l.d.ts'), 'utf8')
    .matchAll(/^export (?:declare )?(?:class|function|const|type|interface) (\w+)/gm)].map((m) => m[1]));
  const missing = Object.keys(t2l).filter((name) => !declared.has(name));
  assert.deepEqual(missing, []);
});

describe('generate and apply', () => {
  test('a bundle is found', () => {
    assert.ok(BUNDLE, 'no bundle: set T2L_BUNDLE, or run `t2l-edge apply` once to build the default');
  });
  test('generate: GGUF bytes, the same for the same text, another for another', async () => {
    const a = await t2l.generate(TASK, { bundle: BUNDLE });
    assert.ok(Buffer.isBuffer(a));
    assert.equal(a.subarray(0, 4).toString('latin1'), 'GGUF');
    assert.ok(a.includes(Buffer.from(TASK)), 'the task text is recorded in the adapter');
    assert.deepEqual(await t2l.generate(TASK, { bundle: BUNDLE }), a);
    assert.notDeepEqual(await t2l.generate('Write the text in uppercase.', { bundle: BUNDLE }), a);
  });
  test('apply: greedy, in the prompt format and mode', async () => {
    const first = await t2l.apply(TASK, 'red fox jumps', { bundle: BUNDLE, model: MODEL, maxTokens: 12 });
    const mode = t2l.effectivePromptMode(undefined, JSON.parse(readFileSync(path.join(BUNDLE, 'manifest.json'))).prompt_mode);
    assert.equal(first.promptMode, mode);
    assert.equal(first.prompt, t2l.renderPrompt('io-v1', 'red fox jumps', TASK, mode));
    assert.equal(typeof first.answer, 'string');
    assert.ok(!first.answer.includes('\n'), 'the answer ends at the line end');
    const again = await t2l.apply(TASK, 'red fox jumps', { bundle: BUNDLE, model: MODEL, maxTokens: 12 });
    assert.equal(again.answer, first.answer);
    const told = await t2l.apply(TASK, 'red fox jumps', { bundle: BUNDLE, model: MODEL, maxTokens: 12,
                                                          promptMode: 'instructed' });
    assert.equal(told.prompt, `${TASK}\n\nInput: red fox jumps\nOutput:`);
  });
  test('a missing bundle or model is a BundleError that says what to do', async () => {
    await assert.rejects(t2l.generate(TASK, { bundle: '/nonexistent/bundle' }), (e) =>
      e instanceof t2l.BundleError && /bundle not found: \/nonexistent\/bundle/.test(e.message) && /build-engine/.test(e.message));
    await assert.rejects(t2l.apply(TASK, 'x', { bundle: BUNDLE, model: '/nonexistent/gemma.gguf' }), (e) =>
      e instanceof t2l.BundleError && /base model not found/.test(e.message));
    await assert.rejects(t2l.generate('x'.repeat(20).concat(' word').repeat(80), { bundle: BUNDLE }), /tokens/);
  });
  test('a card-reading bundle is refused, not run without its card graph', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 't2l-card-'));
    const manifest = JSON.parse(readFileSync(path.join(BUNDLE, 'manifest.json')));
    manifest.graphs.card = { file: 'card.onnx' };
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    await assert.rejects(t2l.generate(TASK, { bundle: dir }), (e) =>
      e instanceof t2l.BundleError && /reads task cards through the base model/.test(e.message));
  });
});

describe('the command line', () => {
  test('--help prints the usage and exits 0', () => {
    const run = cli('--help');
    assert.equal(run.status, 0, run.stderr);
    for (const option of ['--task', '--bundle', '--prompt', '--model', '--prompt-mode', '--llama-threads']) {
      assert.ok(run.stdout.includes(option), option);
    }
  });
  test('bad input is one line and exit 2', () => {
    oneLineError(cli('--bundle', '/nonexistent/bundle', '--task', 'Sum'), 'bundle not found');
    oneLineError(cli('--task', 'Sum', '--wat'), "Unknown option '--wat'");
    oneLineError(cli('--task', 'Sum', '--model', MODEL), '--model needs --prompt');
    oneLineError(cli('--task', 'Sum', '--prompt', 'x', '--prompt-mode', 'chatty'), '--prompt-mode must be one of');
    oneLineError(cli('--task', 'Sum', '--prompt', 'x', '--max-tokens', '0'), '--max-tokens must be a positive integer');
    oneLineError(cli('--bundle', BUNDLE, '--task', 'Sum', '--prompt', 'x', '--model', '/nonexistent/gemma.gguf'),
                 'base model not found');
    oneLineError(cli('--bundle', BUNDLE), 'give --task');
  });
});
