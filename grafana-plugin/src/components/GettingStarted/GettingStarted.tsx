import React, { useId } from 'react';
import { css } from '@emotion/css';
import { useStyles2 } from '@grafana/ui';
import type { GrafanaTheme2 } from '@grafana/data';
import { testIds } from '../../testIds';

/** Recording events from a service: the emitter in five lines. */
export const EMITTER_SNIPPET = `import { createAuditEmitter } from '@auditlens/emitter';

const audit = createAuditEmitter({ serviceName: 'helpdesk', endpoint: 'http://localhost:4318' });
audit.access({ user: { id: '42', name: 'jane' }, action: 'login', portal: 'agent', loginSource: 'form', ip: req.ip });
await audit.shutdown(); // on SIGTERM: sends what is queued`;

/** Demo traffic from the repository, to any OTLP/HTTP endpoint. */
export const DEMO_COMMAND = 'bash scripts/demo.sh --endpoint http://localhost:4318 --rate 20';

/** How audit events get into AuditLens, for an empty page and a new install. */
export function GettingStarted({ title }: { title: string }): React.JSX.Element {
  const styles = useStyles2(getStyles);
  const headingId = useId();
  return (
    <section className={styles.box} aria-labelledby={headingId} data-testid={testIds.gettingStarted}>
      <h2 id={headingId} className={styles.title}>
        {title}
      </h2>
      <p>
        Events appear here once a service records them. They travel as OpenTelemetry logs through the
        collector into Loki, and show within seconds; older events need a longer time range.
      </p>
      <h3 className={styles.step}>Record them in your service with the AuditLens emitter</h3>
      <pre className={styles.code} tabIndex={0} aria-label="Emitter example">
        <code>{EMITTER_SNIPPET}</code>
      </pre>
      <p className={styles.note}>
        <code>npm install @auditlens/emitter</code> (Node 22.15 or later); <code>activity</code>,{' '}
        <code>webhookFailure</code> and <code>integrationFailure</code> record the other log types; the
        emitter&apos;s README in the AuditLens repository has the details.
      </p>
      <h3 className={styles.step}>Or send demo traffic</h3>
      <p>
        The <code>demo</code> service of the compose stack does this already. From a checkout of AuditLens:
      </p>
      <pre className={styles.code} tabIndex={0} aria-label="Demo producer command">
        <code>{DEMO_COMMAND}</code>
      </pre>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  box: css({
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(2, 3),
    maxWidth: 900,
  }),
  title: css({ fontSize: theme.typography.h4.fontSize }),
  step: css({ fontSize: theme.typography.h5.fontSize, marginTop: theme.spacing(2) }),
  code: css({
    background: theme.colors.background.canvas,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1, 1.5),
    overflowX: 'auto',
    // Code keeps its lines; the block scrolls (and takes focus to scroll by keyboard).
    whiteSpace: 'pre',
    fontSize: theme.typography.bodySmall.fontSize,
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}` },
  }),
  note: css({ color: theme.colors.text.secondary }),
});
