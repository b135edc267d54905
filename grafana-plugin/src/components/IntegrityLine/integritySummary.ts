import type { IntegrityProblem, IntegrityReport, IntegrityStatus } from '@auditlens/contract';

const n = (count: number) => count.toLocaleString('en');
const plural = (count: number, word: string) => `${n(count)} ${word}${count === 1 ? '' : 's'}`;

/** The one-line summary of a verification, as the integrity line shows it. */
export function integrityText(report: IntegrityReport): string {
  const r = report.records;
  const chains = plural(report.chains, 'chain');
  switch (report.status) {
    case 'empty':
      return 'No audit records in this range to verify.';
    case 'intact':
      return `Verified: ${plural(r.total, 'record')} in ${chains}, intact and signed.`;
    case 'unsigned': {
      const waiting = r.unsigned + r.withoutChain;
      return (
        `No tampering found: ${n(r.verified)} of ${plural(r.total, 'record')} in ${chains} verified and signed; ` +
        `${n(waiting)} not signed yet${r.withoutChain ? ` (${n(r.withoutChain)} without chain fields)` : ''}.`
      );
    }
    case 'problems': {
      const parts = [
        report.gaps.count
          ? `${plural(report.gaps.count, 'gap')} (${n(report.gaps.missingRecords)} missing)`
          : '',
        r.altered ? `${n(r.altered)} altered` : '',
        r.forged ? `${n(r.forged)} forged` : '',
        report.checkpoints.invalid ? plural(report.checkpoints.invalid, 'bad checkpoint signature') : '',
        report.checkpoints.unknownKey
          ? plural(report.checkpoints.unknownKey, 'checkpoint') + ' by an unknown key'
          : '',
      ].filter(Boolean);
      return `Integrity problems: ${parts.join(', ') || plural(report.problemCount, 'problem')}.`;
    }
  }
}

/** Where to look at a problem: a minute either side of its time (ms), or undefined when it has none. */
export function problemWindow(
  problem: IntegrityProblem
): { readonly from: number; readonly to: number } | undefined {
  if (!problem.timestamp) return undefined;
  const at = Number(BigInt(problem.timestamp) / 1_000_000n);
  const until = problem.until ? Number(BigInt(problem.until) / 1_000_000n) : at;
  return { from: at - 60_000, to: until + 60_000 };
}

/** The severity a status is shown with. */
export function statusTone(status: IntegrityStatus): 'success' | 'info' | 'error' {
  return status === 'problems' ? 'error' : status === 'intact' ? 'success' : 'info';
}
