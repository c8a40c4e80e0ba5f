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

describe('task cards, as t2l_edge/task_card.py renders them (card-v1)', () => {
  const examples = [{ input: 'red fox', output: 'fox red' }, ['', '(nothing)']];
  test('the description, then an Input: and an Output: line per example', () => {
    assert.equal(t2l.renderCard('Reverse.', examples), 'Reverse.\nInput: red fox\nOutput: fox red\nInput: \nOutput: (nothing)');
    assert.equal(t2l.renderCard(null, examples.slice(0, 1)), 'Input: red fox\nOutput: fox red');
    assert.equal(t2l.taskText({ description: 'Sum.' }), 'Sum.');
    assert.equal(t2l.taskText('Sum.'), 'Sum.');
  });
  test('what Python refuses is refused', () => {
    for (const [bad, needle] of [[() => t2l.renderCard(null, []), 'give a description, examples, or both'],
      [() => t2l.renderCard('  ', examples), 'description must be a non-empty string'],
      [() => t2l.renderCard('Sum.', [{ input: 'a' }]), "example 1: field 'output' is missing"],
      [() => t2l.renderCard('Sum.', [['a', 'b\nc']]), 'contains a line break'],
      [() => t2l.renderCard('Sum.', [['a', ' ']]), "field 'output': is empty"],
      [() => t2l.taskText(['Sum.']), 'a task is a non-empty string or a card'],
      [() => t2l.taskText(''), 'non-empty string']]) {
      assert.throws(bad, (e) => e instanceof t2l.BundleError && e.message.includes(needle), needle);
    }
  });
  test('readExamples: JSONL, a JSON list, or an object holding "examples"; errors name the line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 't2l-examples-'));
    const write = (name, text) => { writeFileSync(path.join(dir, name), text); return path.join(dir, name); };
    const expected = [{ input: 'red fox', output: 'fox red' }, { input: 'a b', output: 'b a' }];
    assert.deepEqual(await t2l.readExamples(write('a.jsonl', expected.map((x) => JSON.stringify(x)).join('\n'))), expected);
    assert.deepEqual(await t2l.readExamples(write('b.json', JSON.stringify(expected))), expected);
    assert.deepEqual(await t2l.readExamples(write('c.json', JSON.stringify({ name: 't', examples: expected }))), expected);
    const bad = write('d.jsonl', `${JSON.stringify(expected[0])}\n\n{"input": "x"}\n`);
    await assert.rejects(t2l.readExamples(bad), (e) => e instanceof t2l.BundleError && e.message === `${bad}:3: field 'output' is missing`);
    await assert.rejects(t2l.readExamples(write('e.json', '[]')), /no examples in the file/);
    await assert.rejects(t2l.readExamples(path.join(dir, 'none.json')), /none.json: file not found/);
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
  test('a card: the adapter of its rendered text; the prompt carries its description, never its examples', async () => {
    const card = { description: TASK, examples: [['red fox', 'fox red']] };
    const text = t2l.renderCard(card.description, card.examples);
    assert.deepEqual(await t2l.generate(card, { bundle: BUNDLE }), await t2l.generate(text, { bundle: BUNDLE }));
    assert.notDeepEqual(await t2l.generate(card, { bundle: BUNDLE }), await t2l.generate(TASK, { bundle: BUNDLE }));
    const told = await t2l.apply(card, 'red fox jumps', { bundle: BUNDLE, model: MODEL, maxTokens: 4, promptMode: 'instructed' });
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
    for (const option of ['--task', '--examples', '--bundle', '--prompt', '--model', '--prompt-mode', '--llama-threads']) {
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
    oneLineError(cli('--bundle', BUNDLE), 'give --task TEXT and/or --examples FILE');
    oneLineError(cli('--bundle', BUNDLE, '--task', ' '), 'the task description is empty');
    oneLineError(cli('--bundle', BUNDLE, '--examples', '/nonexistent/examples.jsonl'), 'examples.jsonl: file not found');
  });
});
