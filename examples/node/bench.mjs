// node bench.mjs --bundle DIR [--n 60] [--threads 2]: text -> GGUF adapter bytes, one text at a time, after 5 warm-up
// calls; prints JSON {load_ms, times_ms[], peak_rss_bytes, gguf_bytes}. Used by tests/bench/bench_gguf_route.py.
import { parseArgs } from 'node:util';

import { AdapterGenerator } from './t2l.mjs';

const { values: a } = parseArgs({ options: { bundle: { type: 'string' }, n: { type: 'string', default: '60' },
                                             threads: { type: 'string', default: '2' }, texts: { type: 'string' } } });
const t0 = performance.now();
const gen = await AdapterGenerator.open(a.bundle, { threads: Number(a.threads) });
const load_ms = performance.now() - t0;
const texts = JSON.parse(a.texts).slice(0, Number(a.n));
let data;
for (const t of texts.slice(0, 5)) data = await gen.generateGguf(t);
const times_ms = [];
for (const t of texts) {
  const s = performance.now();
  data = await gen.generateGguf(t);
  times_ms.push(performance.now() - s);
}
console.log(JSON.stringify({ load_ms, times_ms, peak_rss_bytes: process.resourceUsage().maxRSS * 1024, gguf_bytes: data.length }));
