#!/usr/bin/env node
// Times one ONNX model on ONNX Runtime's CPU execution provider, for
// comparison with vkinception-infer --bench (tools/bench/run.sh).
//
//   node ort-bench.js --model M --input X.bin --shape 1,3,224,224 --runs N
//       [--warmup 3] [--threads 2] [--output Y.bin]
//
// X.bin is raw little-endian float32 (as tools/models/make_model.py writes
// it). Prints one JSON object: median_ms and every run's wall-clock time,
// measured around session.run() as the engine's median is measured around
// gst_vk_inception_net_run(). Needs onnxruntime-node on NODE_PATH.
'use strict';

const fs = require('fs');
const ort = require('onnxruntime-node');

function parseArgs(argv) {
  const args = { warmup: 3, threads: 2 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (i + 1 >= argv.length) throw new Error(`missing value for ${argv[i]}`);
    args[key] = argv[i + 1];
  }
  for (const k of ['model', 'input', 'shape', 'runs'])
    if (!(k in args)) throw new Error(`--${k} is required`);
  args.runs = parseInt(args.runs, 10);
  args.warmup = parseInt(args.warmup, 10);
  args.threads = parseInt(args.threads, 10);
  args.shape = args.shape.split(/[,x]/).map((d) => parseInt(d, 10));
  return args;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const raw = fs.readFileSync(args.input);
  const count = args.shape.reduce((a, b) => a * b, 1);
  if (raw.length !== count * 4)
    throw new Error(`${args.input}: ${raw.length} bytes, shape needs ${count * 4}`);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = raw.readFloatLE(i * 4);

  const session = await ort.InferenceSession.create(args.model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3, // errors only: no per-initializer warnings
  });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, args.shape) };
  let out;
  for (let i = 0; i < args.warmup; i++) out = await session.run(feeds);
  const times = [];
  for (let i = 0; i < args.runs; i++) {
    const t0 = process.hrtime.bigint();
    out = await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const result = out[session.outputNames[0]];
  if (args.output) {
    const buf = Buffer.alloc(result.data.length * 4);
    for (let i = 0; i < result.data.length; i++) buf.writeFloatLE(result.data[i], i * 4);
    fs.writeFileSync(args.output, buf);
  }
  console.log(JSON.stringify({
    onnxruntime: ort.env.versions ? ort.env.versions.node || ort.env.versions.common : null,
    threads: args.threads,
    warmup: args.warmup,
    runs: args.runs,
    median_ms: median(times),
    times_ms: times,
    output_dims: result.dims,
  }));
}

main().catch((e) => {
  console.error(`ort-bench: ${e.message}`);
  process.exit(1);
});
