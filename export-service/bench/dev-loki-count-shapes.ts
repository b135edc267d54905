// DEV ONLY (not committed): what count queries cost Loki by shape.
import { readFileSync } from 'node:fs';
import { startBenchLoki } from './bench-loki';
import { seedAccessOtlp } from './seed-otlp';
import { findProcess } from './cpu-meter';

const cpu = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
async function main() {
  const loki = await startBenchLoki();
  const pid = findProcess(`-config.file=${loki.configFile}`)!;
  console.log('loki', loki.url, Object.keys(loki));
  const now = Date.now();
  await seedAccessOtlp({ lokiUrl: loki.url, count: 80_000, fromMs: now - 10 * 60_000, toMs: now, batch: 10_000 });
  await new Promise((r) => setTimeout(r, 3000));
  const sel = '{audit_log_type="access"}';
  const q = async (label: string, path: string, params: Record<string, string>) => {
    const c0 = pid ? cpu(pid) : 0;
    const t0 = performance.now();
    const res = await fetch(`${loki.url}${path}?${new URLSearchParams(params)}`);
    const body = await res.text();
    const ms = performance.now() - t0;
    const c1 = pid ? cpu(pid) : 0;
    let n = '';
    try { const j = JSON.parse(body); n = `series ${j.data?.result?.length}`; } catch { n = body.slice(0, 80); }
    console.log(`${label.padEnd(44)} ${res.status} ${ms.toFixed(0).padStart(6)} ms  loki cpu ${String(c1 - c0).padStart(5)} ms  ${n.slice(0, 90)}`);
  };
  const t = String(BigInt(now - 3 * 60_000) * 1_000_000n);
  for (let round = 0; round < 2; round++) {
    for (const f of ['audit_action', 'audit_brand', 'user_name', 'client_address'])
      await q(`instant 60s by ${f}`, '/loki/api/v1/query', { query: `sum by (${f}) (count_over_time(${sel} [60s]))`, time: t });
    await q('instant 60s by 5 small', '/loki/api/v1/query', { query: `sum by (audit_action, audit_brand, audit_portal, audit_login_source, audit_outcome) (count_over_time(${sel} [60s]))`, time: t });
    await q('instant 60s no by', '/loki/api/v1/query', { query: `sum (count_over_time(${sel} [60s]))`, time: t });
    await q('instant 30s by action', '/loki/api/v1/query', { query: `sum by (audit_action) (count_over_time(${sel} [30s]))`, time: t });
    await q('instant 600s by action', '/loki/api/v1/query', { query: `sum by (audit_action) (count_over_time(${sel} [600s]))`, time: t });
    await q('logs 60s limit 5000 keep 7', '/loki/api/v1/query_range', { query: `${sel} | keep audit_action, audit_brand, audit_portal, audit_login_source, audit_outcome, user_name, client_address`, start: String(BigInt(now - 4 * 60_000) * 1_000_000n), end: t, limit: '5000', direction: 'forward' });
    await q('logs 60s limit 5000', '/loki/api/v1/query_range', { query: sel, start: String(BigInt(now - 4 * 60_000) * 1_000_000n), end: t, limit: '5000', direction: 'forward' });
  }
  await loki.dispose();
}
main().catch((e) => { console.error(e); process.exit(1); });
