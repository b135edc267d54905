import { LOG_TYPE_TITLES, type ExportManifest, type IntegrityReport } from '@auditlens/contract';

/** How a report reads in a sentence. */
export function integritySentence(report: IntegrityReport): string {
  const r = report.records;
  const counted = `${r.verified.toLocaleString('en')} of ${r.total.toLocaleString('en')} records verified in ${report.chains} chain${report.chains === 1 ? '' : 's'}`;
  switch (report.status) {
    case 'intact':
      return `intact: ${counted}, every one signed`;
    case 'empty':
      return 'no records in the range';
    case 'unsigned':
      return `no tampering found: ${counted}; ${r.unsigned + r.withoutChain} not covered by a signed checkpoint${r.withoutChain ? ` (${r.withoutChain} without chain fields)` : ''}`;
    default: {
      const parts = [
        report.gaps.count
          ? `${report.gaps.count} gap${report.gaps.count > 1 ? 's' : ''} (${report.gaps.missingRecords} missing)`
          : '',
        r.altered ? `${r.altered} altered` : '',
        r.forged ? `${r.forged} forged` : '',
        report.checkpoints.invalid
          ? `${report.checkpoints.invalid} bad checkpoint signature${report.checkpoints.invalid > 1 ? 's' : ''}`
          : '',
      ].filter(Boolean);
      return `PROBLEMS FOUND: ${parts.join(', ') || `${report.problemCount} problems`}; ${counted}`;
    }
  }
}

/** The lines an export mail gets about the verification and the manifest. */
export function integrityMailLines(manifest: ExportManifest): string[] {
  const report = manifest.integrity;
  const lines = [
    `  Integrity: ${integritySentence(report)}`,
    `             (all ${LOG_TYPE_TITLES[report.logType].toLowerCase()} from ${report.from} to ${report.to}, verified ${report.verifiedAt})`,
  ];
  const first = report.problems[0];
  if (first) lines.push(`             First problem: ${first.message}`);
  lines.push(
    `  SHA-256:   ${manifest.file.sha256}`,
    '',
    `The attached manifest (signed by ${manifest.signer.keyId}) describes the file; check them offline with`,
    '  npx auditlens-verify <file> <manifest.json>'
  );
  return lines;
}
