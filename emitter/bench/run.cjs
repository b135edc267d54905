// Emitter benchmark, the emitter side by side with the raw OpenTelemetry SDK in one run:
// 1. the cost of one audit.access(...) call against the raw SDK logger.emit() of the same record, with the hash
//    chain on (the default: a seq on the call, the SHA-256 later in the exporter) and off;
// 2. events/s delivered to a loopback OTLP/HTTP sink (another process) while the caller emits as fast as the
//    queue has room, with the emitter's defaults and the SDK's defaults.
// Rounds alternate between the contenders so that none always runs on a warmer or busier machine; the figures
// of every round are printed with their median and spread. Prints figures; asserts nothing.
const { fork } = require('node:child_process');
const path = require('node:path');
const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { OTLPLogExporter: OTLPJsonLogExporter } = require('@opentelemetry/exporter-logs-otlp-http');
const { OTLPLogExporter: OTLPProtoLogExporter } = require('@opentelemetry/exporter-logs-otlp-proto');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { ExportResultCode } = require('@opentelemetry/core');
const { createAuditEmitter } = require('../dist');
// The exporter the emitter builds for http/protobuf: the SDK's, with the emitter's serializer.
const { OtlpProtobufLogExporter } = require('../dist/export/OtlpProtobufLogExporter');

const CALLS = Number(process.env.BENCH_CALLS ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// Goals: a call costs at most 1.5 times the raw SDK's; one core delivers at least 0.75 times as many chained
// events as the raw SDK (http/protobuf) in the same round.
const TARGET_RATIO = 1.5;
const TARGET_DELIVERY_RATIO = 0.75;

const event = {
  user: { id: 'u-2', name: 'bob', email: 'bob@acme.test' },
  action: 'login',
  portal: 'agent',
  loginSource: 'form',
  ip: '198.51.100.9',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
  brand: 'Acme',
};
// The record our call produces, handed to the raw SDK ready-made.
const rawRecord = {
  eventName: 'audit.access',
  severityNumber: 9,
  severityText: 'INFO',
  body: 'bob logged in to the agent portal (form)',
  attributes: {
    'audit.event_id': '0190c2a8-7f3e-7a00-8000-000000000000',
    'client.address': '198.51.100.9',
    'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64)',
    'audit.brand': 'Acme',
    'user.id': 'u-2',
    'user.name': 'bob',
    'user.email': 'bob@acme.test',
    'audit.action': 'login',
    'audit.outcome': 'success',
    'audit.portal': 'agent',
    'audit.login_source': 'form',
  },
};

const nullExporter = {
  export: (_records, cb) => cb({ code: ExportResultCode.SUCCESS }),
  shutdown: async () => {},
  forceFlush: async () => {},
};

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function median(values) {
  return percentile(
    [...values].sort((a, b) => a - b),
    50
  );
}

/**
 * Times single calls of each contender, interleaved in blocks of 256 so that both see the same machine (other
 * processes come and go); flushes every 4096 calls so that queues never fill. Returns median and p99 per contender.
 */
async function perCallSideBySide(contenders) {
  const BLOCK = 256;
  const samples = contenders.map(() => new Float64Array(CALLS));
  for (const c of contenders) {
    for (let i = 0; i < 20_000; i++) c.emitOnce(); // warm up the JIT
    await c.flush();
  }
  for (let start = 0; start < CALLS; start += BLOCK) {
    contenders.forEach((c, k) => {
      const out = samples[k];
      for (let i = start; i < start + BLOCK && i < CALLS; i++) {
        const t0 = process.hrtime.bigint();
        c.emitOnce();
        out[i] = Number(process.hrtime.bigint() - t0);
      }
    });
    if ((start / BLOCK) % 16 === 15) for (const c of contenders) await c.flush();
  }
  for (const c of contenders) await c.flush();
  return samples.map((s) => {
    s.sort();
    return { median: percentile(s, 50), p99: percentile(s, 99) };
  });
}

async function startSink() {
  const child = fork(path.join(__dirname, 'sink.cjs'), { stdio: 'inherit' });
  const { port } = await new Promise((resolve) => child.once('message', resolve));
  const stats = () =>
    new Promise((resolve) => {
      child.once('message', resolve);
      child.send('count');
    });
  return { endpoint: `http://127.0.0.1:${port}`, stats, stop: () => child.send('stop') };
}

/**
 * Counts the records handed to an exporter and wakes whoever waits for the next hand-off: the producer below
 * keeps each contender's queue full without overflowing it, so that nothing is dropped and no time goes to
 * emitting records that would be.
 */
class HandOffCounter {
  constructor(inner) {
    this.inner = inner;
    this.handedOff = 0;
    this.waiting = [];
  }
  export(records, resultCallback) {
    this.handedOff += records.length;
    for (const wake of this.waiting.splice(0)) wake();
    this.inner.export(records, resultCallback);
  }
  next() {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  forceFlush() {
    return this.inner.forceFlush();
  }
  shutdown() {
    return this.inner.shutdown();
  }
}

/** Emits for SECONDS as fast as the contender's queue has room (never dropping), then counts what the sink got. */
async function sustained(sink, contender) {
  const counter = new HandOffCounter(new contender.Exporter({ url: `${sink.endpoint}/v1/logs` }));
  const { emitOnce, flush, shutdown } = contender.create(counter);
  const before = await sink.stats();
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(SECONDS * 1e9);
  let emitted = 0;
  while (process.hrtime.bigint() < deadline) {
    const room = Math.min(500, (contender.queueSize ?? QUEUE_SIZE) - (emitted - counter.handedOff));
    if (room <= 0) {
      await counter.next();
      continue;
    }
    for (let i = 0; i < room; i++, emitted++) emitOnce();
    // Yield so the exporter's sockets make progress.
    await new Promise((r) => setImmediate(r));
  }
  await flush();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  await shutdown();
  const after = await sink.stats();
  const delivered = after.records - before.records;
  return {
    emitted,
    delivered,
    perSecond: delivered / seconds,
    perCpuSecond: delivered / cpuSeconds,
    largestRequest: after.largestRequest,
  };
}

// The SDK's defaults (queue 2048, batch 512, 1 s delay) and the emitter's, which are the same.
const QUEUE_SIZE = 2048;

function rawSdk(exporter) {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench' }),
    processors: [new BatchLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('bench');
  return {
    emitOnce: () => logger.emit(rawRecord),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

// The emitter with its defaults, given the same OTLP exporter class it builds itself for the protocol, so
// that its hand-offs can be counted too.
function emitter(exporter, options = {}) {
  const audit = createAuditEmitter({ serviceName: 'bench', exporter, ...options });
  return {
    emitOnce: () => audit.access(event),
    flush: () => audit.flush(),
    shutdown: () => audit.shutdown(),
  };
}

const RAW_PROTOBUF = { label: 'raw SDK, http/protobuf', Exporter: OTLPProtoLogExporter, create: rawSdk };
const OURS = {
  label: 'audit.access, defaults (http/protobuf)',
  Exporter: OtlpProtobufLogExporter,
  create: emitter,
};
const CONTENDERS = [
  { label: 'raw SDK, http/json', Exporter: OTLPJsonLogExporter, create: rawSdk },
  RAW_PROTOBUF,
  // What the emitter's serializer alone does for the raw SDK.
  { label: "raw SDK, the emitter's protobuf exporter", Exporter: OtlpProtobufLogExporter, create: rawSdk },
  OURS,
  { label: "audit.access, protocol 'json'", Exporter: OTLPJsonLogExporter, create: emitter },
  {
    label: 'audit.access, integrity: false',
    Exporter: OtlpProtobufLogExporter,
    create: (exporter) => emitter(exporter, { integrity: false }),
  },
];
// BENCH_EMITTER_OPTIONS='{"maxExportBatchSize":2048,"maxQueueSize":8192}' adds the emitter with those options.
if (process.env.BENCH_EMITTER_OPTIONS) {
  const options = JSON.parse(process.env.BENCH_EMITTER_OPTIONS);
  CONTENDERS.push({
    label: `audit.access, ${process.env.BENCH_EMITTER_OPTIONS}`,
    Exporter: options.protocol === 'json' ? OTLPJsonLogExporter : OtlpProtobufLogExporter,
    create: (exporter) => emitter(exporter, options),
    queueSize: options.maxQueueSize,
  });
}

// BENCH_ONLY='integrity: false' keeps only the contenders whose label contains it, and skips the per-call part
// (for profiling one of them: node --cpu-prof bench/run.cjs).
const ONLY = process.env.BENCH_ONLY;
if (ONLY) CONTENDERS.splice(0, CONTENDERS.length, ...CONTENDERS.filter((c) => c.label.includes(ONLY)));

function spread(values, digits = 0) {
  const sorted = [...values].sort((a, b) => a - b);
  const f = (v) => v.toFixed(digits);
  return `median ${f(median(sorted))}  (min ${f(sorted[0])}, max ${f(sorted.at(-1))})`;
}

async function main() {
  console.log(
    `emitter benchmark: ${CALLS} timed calls and ${SECONDS}s sustained delivery, ${ROUNDS} rounds; ` +
      `node ${process.version}, one event-loop thread, the sink in another process`
  );

  if (!ONLY) await perCall();
  await delivery();
}

/** 1. Per-call cost, exporter out of the picture, all with the same queue and batch. */
async function perCall() {
  const ours = createAuditEmitter({ serviceName: 'bench', exporter: nullExporter, maxQueueSize: 8192 });
  const unchained = createAuditEmitter({
    serviceName: 'bench',
    exporter: nullExporter,
    maxQueueSize: 8192,
    integrity: false,
  });
  const rawProvider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench' }),
    processors: [new BatchLogRecordProcessor({ exporter: nullExporter, maxQueueSize: 8192 })],
  });
  const rawLogger = rawProvider.getLogger('bench');
  const calls = { raw: [], ours: [], unchained: [], ratio: [], unchainedRatio: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const [raw, call, plain] = await perCallSideBySide([
      { emitOnce: () => rawLogger.emit(rawRecord), flush: () => rawProvider.forceFlush() },
      { emitOnce: () => ours.access(event), flush: () => ours.flush() },
      { emitOnce: () => unchained.access(event), flush: () => unchained.flush() },
    ]);
    calls.raw.push(raw);
    calls.ours.push(call);
    calls.unchained.push(plain);
    calls.ratio.push(call.median / raw.median);
    calls.unchainedRatio.push(plain.median / raw.median);
  }
  await ours.shutdown();
  await unchained.shutdown();
  await rawProvider.shutdown();

  console.log('\nper call (ns), each round: median / p99');
  for (const [label, runs] of [
    ['raw SDK logger.emit()', calls.raw],
    ['audit.access(...), chained (default)', calls.ours],
    ['audit.access(...), integrity: false', calls.unchained],
  ]) {
    console.log(`  ${label.padEnd(38)}${runs.map((r) => `${r.median} / ${r.p99}`.padStart(14)).join('')}`);
  }
  const ratio = median(calls.ratio);
  console.log(
    `  ratio of medians, chained, each round: ${calls.ratio.map((r) => r.toFixed(2)).join(', ')}; ${spread(calls.ratio, 2)}`
  );
  console.log(
    `  ratio of medians, integrity off, each round: ${calls.unchainedRatio.map((r) => r.toFixed(2)).join(', ')}; ` +
      spread(calls.unchainedRatio, 2)
  );
  console.log(`  target <= ${TARGET_RATIO}x (median round): ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}`);
}

/** 2. Sustained delivery to the loopback sink. */
async function delivery() {
  const sink = await startSink();
  const runs = new Map(CONTENDERS.map((c) => [c, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const contender of CONTENDERS) runs.get(contender).push(await sustained(sink, contender));
  }
  sink.stop();

  // Other processes share the machine: events per CPU-second of this process says what one core delivers
  // when it is not interrupted; events per wall-clock second is what this run got.
  for (const [title, key] of [
    ['events/s delivered to the loopback OTLP sink (wall clock)', 'perSecond'],
    ['events delivered per CPU-second of the emitting process (one core)', 'perCpuSecond'],
  ]) {
    console.log(`\n${title}, each round, then median and spread`);
    for (const [contender, results] of runs) {
      const values = results.map((r) => r[key]);
      console.log(
        `  ${contender.label.padEnd(42)}${values.map((v) => String(Math.round(v)).padStart(8)).join('')}   ${spread(values)}`
      );
    }
  }
  const largest = Math.max(...[...runs.values()].flat().map((r) => r.largestRequest));
  console.log(`  largest request received: ${largest} bytes`);
  if (!runs.has(OURS) || !runs.has(RAW_PROTOBUF)) return;
  // Both ran in the same round, one after the other: their ratio is what the machine's load moves least.
  console.log(`\nchained defaults / raw SDK (http/protobuf), each round, then median and spread`);
  for (const [title, key] of [
    ['per CPU-second (one core)', 'perCpuSecond'],
    ['per wall-clock second', 'perSecond'],
  ]) {
    const ratios = runs.get(OURS).map((r, round) => r[key] / runs.get(RAW_PROTOBUF)[round][key]);
    console.log(
      `  ${title.padEnd(42)}${ratios.map((v) => v.toFixed(2).padStart(8)).join('')}   ${spread(ratios, 2)}`
    );
    if (key === 'perCpuSecond')
      console.log(
        `  target >= ${TARGET_DELIVERY_RATIO}x the raw SDK on one core (median round): ` +
          `${median(ratios) >= TARGET_DELIVERY_RATIO ? 'met' : 'NOT met'}`
      );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
