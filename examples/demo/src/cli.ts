#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { createAuditEmitter } from '@auditlens/emitter';
import { DemoTraffic } from './generator';

const USAGE = `auditlens-demo: simulated multi-brand help-desk audit traffic over OTLP/HTTP

  --endpoint URL     OTLP/HTTP base URL (default http://localhost:4318; Loki directly: http://localhost:3100/otlp)
  --rate N           events per second (default 20)
  --service NAME     service.name (default helpdesk)
  --duration S       stop after S seconds (default: run until SIGINT/SIGTERM)
  --header K=V       extra HTTP header, repeatable (e.g. Authorization=Bearer token)
  --seed N           replay the same traffic`;

function main(): void {
  const { values } = parseArgs({
    options: {
      endpoint: {
        type: 'string',
        default: process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318',
      },
      rate: { type: 'string', default: '20' },
      service: { type: 'string', default: 'helpdesk' },
      duration: { type: 'string' },
      header: { type: 'string', multiple: true, default: [] },
      seed: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const rate = Number(values.rate);
  if (!Number.isFinite(rate) || rate <= 0)
    throw new Error(`--rate must be a positive number, got ${values.rate}`);
  const headers: Record<string, string> = {};
  for (const h of values.header) {
    const i = h.indexOf('=');
    if (i <= 0) throw new Error(`--header must be K=V, got ${h}`);
    headers[h.slice(0, i)] = h.slice(i + 1);
  }
  const audit = createAuditEmitter({
    serviceName: values.service,
    endpoint: values.endpoint,
    headers,
    resource: { 'deployment.environment.name': 'demo' },
    onError: (e) => console.error(`auditlens-demo: ${e.kind}: ${e.message}`),
  });
  const traffic = new DemoTraffic(values.seed !== undefined ? Number(values.seed) : undefined);
  const tickMs = 100;
  let carry = 0;
  const timer = setInterval(() => {
    carry += (rate * tickMs) / 1000;
    for (; carry >= 1; carry -= 1) traffic.next()(audit);
  }, tickMs);
  const report = setInterval(() => console.log(`auditlens-demo: ${JSON.stringify(audit.stats())}`), 10_000);
  const stop = (): void => {
    clearInterval(timer);
    clearInterval(report);
    void audit.shutdown().then(() => {
      console.log(`auditlens-demo: stopped ${JSON.stringify(audit.stats())}`);
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (values.duration !== undefined) setTimeout(stop, Number(values.duration) * 1000);
  console.log(`auditlens-demo: ${rate} events/s to ${values.endpoint} as ${values.service}`);
}

try {
  main();
} catch (error) {
  console.error(`auditlens-demo: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
