import React, { useState } from 'react';
import { css } from '@emotion/css';
import {
  Alert,
  Button,
  Field,
  Input,
  Modal,
  RadioButtonGroup,
  Stack,
  TextLink,
  useStyles2,
} from '@grafana/ui';
import type { GrafanaTheme2, TimeZone } from '@grafana/data';
import {
  EXPORT_FORMATS,
  FILTER_FIELDS,
  LOG_TYPE_TITLES,
  TEXT_FILTER_KEY,
  type ExportFormat,
  type ExportJob,
  type LogType,
} from '@auditlens/contract';
import { useApi } from '../../api/ApiContext';
import { errorMessage } from '../../api/errorMessage';
import { ROUTES, prefixRoute } from '../../constants';
import { formatWhen, ianaTimeZone } from '../../time/when';
import { testIds } from '../../testIds';

type Frame = 'current' | 'custom';

const FRAME_OPTIONS = [
  { label: 'Current range', value: 'current' as const },
  { label: 'Another range', value: 'custom' as const },
];
const FORMAT_OPTIONS = EXPORT_FORMATS.map((f) => ({ label: f.toUpperCase(), value: f }));

interface Props {
  readonly logType: LogType;
  readonly range: { readonly from: number; readonly to: number };
  readonly filters: Readonly<Record<string, string>>;
  readonly q: string;
  readonly timeZone: TimeZone;
  readonly onDismiss: () => void;
}

/** `datetime-local` text of an instant in the viewer's zone, and back. */
const toLocalInput = (ms: number, timeZone: TimeZone): string =>
  formatWhen(ms, timeZone).slice(0, 16).replace(' ', 'T');
function fromLocalInput(text: string, timeZone: TimeZone): number {
  // The text is wall-clock time in the viewer's zone: shift by that zone's offset at the instant.
  const asUtc = Date.parse(`${text}:00Z`);
  if (Number.isNaN(asUtc)) return NaN;
  const shown = Date.parse(`${formatWhen(asUtc, timeZone).replace(' ', 'T')}Z`);
  return asUtc - (shown - asUtc);
}

/** Confirms an export of the current view: range, format and the filters it will apply. */
export function ExportDialog({ logType, range, filters, q, timeZone, onDismiss }: Props): React.JSX.Element {
  const api = useApi();
  const styles = useStyles2(getStyles);
  const [frame, setFrame] = useState<Frame>('current');
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [fromText, setFromText] = useState(toLocalInput(range.from, timeZone));
  const [toText, setToText] = useState(toLocalInput(range.to, timeZone));
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [queued, setQueued] = useState<ExportJob | null>(null);

  const chosen =
    frame === 'current'
      ? range
      : { from: fromLocalInput(fromText, timeZone), to: fromLocalInput(toText, timeZone) };
  const rangeError =
    Number.isNaN(chosen.from) || Number.isNaN(chosen.to)
      ? 'Enter both dates.'
      : chosen.from >= chosen.to
        ? 'The start must be before the end.'
        : undefined;

  const applied = [
    ...FILTER_FIELDS[logType]
      .filter((f) => filters[f.key])
      .map((f) => ({ label: f.label, value: filters[f.key]! })),
    ...(q ? [{ label: 'Contains', value: q }] : []),
  ];

  const submit = async (): Promise<void> => {
    if (rangeError) return;
    setSending(true);
    setError(null);
    try {
      const job = await api.createExport({
        logType,
        from: chosen.from,
        to: chosen.to,
        format,
        filters: q ? { ...filters, [TEXT_FILTER_KEY]: q } : filters,
        timezone: ianaTimeZone(timeZone),
      });
      setQueued(job);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSending(false);
    }
  };

  return (
    <Modal title={`Export ${LOG_TYPE_TITLES[logType].toLowerCase()}`} isOpen onDismiss={onDismiss}>
      <div data-testid={testIds.exportDialog}>
        {queued ? (
          <Alert title="Export queued" severity="success">
            The file will be emailed to you when it is ready. Follow it under{' '}
            <TextLink href={prefixRoute(ROUTES.exports)} inline>
              My exports
            </TextLink>
            .
          </Alert>
        ) : (
          <>
            <Field label="Time frame" noMargin>
              <RadioButtonGroup options={FRAME_OPTIONS} value={frame} onChange={setFrame} />
            </Field>
            {frame === 'current' ? (
              <p className={styles.range}>
                {formatWhen(range.from, timeZone)} to {formatWhen(range.to, timeZone)}
              </p>
            ) : (
              <Stack gap={2}>
                <Field label="From" invalid={!!rangeError} error={rangeError}>
                  <Input
                    type="datetime-local"
                    aria-label="From"
                    value={fromText}
                    onChange={(e) => setFromText(e.currentTarget.value)}
                  />
                </Field>
                <Field label="To">
                  <Input
                    type="datetime-local"
                    aria-label="To"
                    value={toText}
                    onChange={(e) => setToText(e.currentTarget.value)}
                  />
                </Field>
              </Stack>
            )}
            <Field label="Format">
              <RadioButtonGroup options={FORMAT_OPTIONS} value={format} onChange={setFormat} />
            </Field>
            <Field label="Filters">
              {applied.length === 0 ? (
                <p className={styles.none}>None: every event in the range.</p>
              ) : (
                <ul className={styles.filters} aria-label="Filters of the export">
                  {applied.map((f) => (
                    <li key={f.label}>
                      {f.label}: <strong>{f.value}</strong>
                    </li>
                  ))}
                </ul>
              )}
            </Field>
            {error && (
              <Alert title="Could not queue the export" severity="error">
                {error}
              </Alert>
            )}
          </>
        )}
        <Modal.ButtonRow>
          <Button variant="secondary" fill="outline" onClick={onDismiss}>
            {queued ? 'Close' : 'Cancel'}
          </Button>
          {!queued && (
            <Button
              onClick={submit}
              disabled={sending || !!rangeError}
              icon={sending ? 'spinner' : 'envelope'}
            >
              Export and email
            </Button>
          )}
        </Modal.ButtonRow>
      </div>
    </Modal>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  range: css({ margin: theme.spacing(1, 0, 2), fontVariantNumeric: 'tabular-nums' }),
  filters: css({ margin: 0, paddingLeft: theme.spacing(2) }),
  none: css({ color: theme.colors.text.secondary, margin: 0 }),
});
