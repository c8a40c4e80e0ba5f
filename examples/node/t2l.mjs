// t2l-edge without Python: a task description -> a GGUF LoRA adapter, from a bundle built by `t2l-edge build-engine`.
//
//   tokenizer.json (@huggingface/tokenizers) -> encoder.onnx -> hypernet.onnx -> gguf.onnx (onnxruntime-node)
//   -> gguf_template.bin + the task text + gguf.onnx's output = the adapter file (docs/gguf-template.md)
//
// No quantizer and no knowledge of ggml layouts here: the bundle's graph emits the quantized tensor data, its template
// holds everything else. The bytes equal `Generator.generate_gguf` in Python (tests/test_node_example.py).

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';

const GRAPHS = { encoder: 'encoder', hypernet: 'hypernet', gguf: 'gguf' };

export class BundleError extends Error {}

async function sha256(file) {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

export class AdapterGenerator {
  /** Open a bundle: read the manifest, check every file's sha256, load the tokenizer and the three graphs. */
  static async open(bundleDir, { threads = 2, verify = true } = {}) {
    const manifest = JSON.parse(await readFile(path.join(bundleDir, 'manifest.json'), 'utf8'));
    if (!manifest.gguf || !manifest.graphs?.[GRAPHS.gguf]) {
      throw new BundleError(`${bundleDir}: this bundle has no GGUF graph and template (rebuild it with t2l-edge build-engine)`);
    }
    if (verify) {
      for (const [name, info] of Object.entries(manifest.files)) {
        if ((await sha256(path.join(bundleDir, name))) !== info.sha256) {
          throw new BundleError(`${path.join(bundleDir, name)}: sha256 differs from the manifest's (modified or corrupted)`);
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

  /** One task text -> the bytes of its GGUF adapter (a Buffer), in the bundle's recipe (manifest.gguf.recipe). */
  async generateGguf(text) {
    if (typeof text !== 'string' || !text.trim()) throw new BundleError('a task text must be a non-empty string');
    const { embedding } = await this.encoder.run(this.tokenize(text), ['embedding']);
    const names = this.manifest.graphs[GRAPHS.gguf].inputs;
    const loras = await this.hypernet.run({ embedding }, names);
    const { gguf_data: data, finite } = await this.writer.run(loras, ['gguf_data', 'finite']);
    if (finite.data[0] !== 0) throw new BundleError(`the hypernetwork produced non-finite values for ${JSON.stringify(text)}`);
    // uint16 words; their little-endian bytes are the data section (Node runs on little-endian CPUs only)
    return assemble(this.gguf, this.template, text, Buffer.from(data.data.buffer, data.data.byteOffset, data.data.byteLength));
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
