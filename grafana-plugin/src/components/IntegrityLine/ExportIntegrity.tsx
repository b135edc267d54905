import React from 'react';
import { Badge, TextLink, type BadgeColor } from '@grafana/ui';
import type { ExportIntegrityResponse, ExportJob, IntegrityStatus } from '@auditlens/contract';
import { useApi } from '../../api/ApiContext';
import { testIds } from '../../testIds';

type Summaries = ExportIntegrityResponse['exports'];

const LABEL: Record<IntegrityStatus, { text: string; color: BadgeColor }> = {
  intact: { text: 'verified', color: 'green' },
  unsigned: { text: 'partly signed', color: 'blue' },
  problems: { text: 'problems', color: 'red' },
  empty: { text: 'no records', color: 'blue' },
};

/** An export's verification in "My exports": what was found in its range, and its signed manifest. */
export function ExportIntegrity({
  job,
  summary,
}: {
  job: ExportJob;
  summary?: Summaries[string];
}): React.JSX.Element | null {
  const api = useApi();
  if (!summary) return null;
  const label = LABEL[summary.status];
  return (
    <span data-testid={testIds.exportIntegrity(job.id)}>
      <Badge
        text={label.text}
        color={label.color}
        tooltip={`${summary.verified.toLocaleString('en')} of ${summary.total.toLocaleString('en')} records verified${summary.problemCount ? `, ${summary.problemCount} problems` : ''}; file SHA-256 ${summary.sha256}`}
      />{' '}
      <TextLink href={api.manifestUrl(job.id)} external={false} icon="file-alt">
        Manifest
      </TextLink>
    </span>
  );
}
