import React, { useState } from 'react';
import { css } from '@emotion/css';
import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack, useStyles2 } from '@grafana/ui';
import type { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps } from '@grafana/data';
import { APP_SECURE_JSON_DATA, type ConnectionCheck } from '@auditlens/contract';
import { useApi } from '../../api/ApiContext';
import { errorMessage } from '../../api/errorMessage';
import { saveSettings } from '../../api/settings';
import { ROUTES, prefixRoute, type AppSettings } from '../../constants';
import { testIds } from '../../testIds';
import { AccessSummary } from './AccessSummary';

type Props = PluginConfigPageProps<AppPluginMeta<AppSettings>>;

type Outcome = { ok: true; text: string } | { ok: false; text: string };

/** Where the export service is and the secret Grafana sends it; "test connection" goes through the proxy. */
export function AppConfig({ plugin }: Props): React.JSX.Element {
  const api = useApi();
  const styles = useStyles2(getStyles);
  const { enabled = false, jsonData, secureJsonFields } = plugin.meta;
  const [url, setUrl] = useState(jsonData?.exportServiceUrl ?? '');
  const [secret, setSecret] = useState('');
  const [secretSet, setSecretSet] = useState(Boolean(secureJsonFields?.[APP_SECURE_JSON_DATA.sharedSecret]));
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<Outcome | null>(null);
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState<Outcome | null>(null);

  const urlError = url && !/^https?:\/\/[^\s/]+/.test(url) ? 'Use an http:// or https:// URL.' : undefined;

  const save = async (): Promise<void> => {
    setSaving(true);
    setSaved(null);
    try {
      await saveSettings({
        enabled: true,
        exportServiceUrl: url.replace(/\/+$/, ''),
        sharedSecret: secret ? secret : undefined,
      });
      if (secret) setSecretSet(true);
      setSecret('');
      setSaved({ ok: true, text: 'Settings saved.' });
    } catch (e) {
      setSaved({ ok: false, text: errorMessage(e) });
    } finally {
      setSaving(false);
    }
  };

  const testConnection = async (): Promise<void> => {
    setTesting(true);
    setTest(null);
    try {
      const res: ConnectionCheck = await api.health();
      setTest(
        res.status === 'ok'
          ? {
              ok: true,
              text: `Connected. The export service accepted the secret and knows you as ${res.user}; Loki answers.`,
            }
          : { ok: false, text: `The export service answered, but ${res.status}.` }
      );
    } catch (e) {
      setTest({ ok: false, text: errorMessage(e) });
    } finally {
      setTesting(false);
    }
  };

  return (
    <div data-testid={testIds.appConfig} className={styles.page}>
      <FieldSet label="Export service">
        <Field
          label="URL"
          description="Where Grafana's server reaches the AuditLens export service, e.g. http://export-service:8080"
          invalid={!!urlError}
          error={urlError}
        >
          <Input
            id="auditlens-url"
            width={60}
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            placeholder="http://export-service:8080"
          />
        </Field>
        <Field
          label="Shared secret"
          description="Must equal AUDITLENS_SHARED_SECRET of the service. Stored encrypted; never shown again."
        >
          <SecretInput
            id="auditlens-secret"
            width={60}
            isConfigured={secretSet}
            value={secret}
            onChange={(e) => setSecret(e.currentTarget.value)}
            onReset={() => {
              setSecretSet(false);
              setSecret('');
            }}
          />
        </Field>
        <Stack gap={1}>
          <Button onClick={save} disabled={saving || !url || !!urlError || (!secretSet && !secret)}>
            {enabled ? 'Save settings' : 'Enable and save'}
          </Button>
          <Button
            variant="secondary"
            onClick={testConnection}
            disabled={testing}
            icon={testing ? 'spinner' : 'plug'}
          >
            Test connection
          </Button>
        </Stack>
      </FieldSet>
      {saved && <Alert title={saved.text} severity={saved.ok ? 'success' : 'error'} />}
      {test && (
        <Alert
          title={test.ok ? 'Connection works' : 'Connection failed'}
          severity={test.ok ? 'success' : 'error'}
          data-testid={testIds.connectionResult}
        >
          {test.text}
        </Alert>
      )}
      <FieldSet label="Send audit events">
        <p>
          The app shows what your services record with the AuditLens emitter (or what the demo producer
          sends).{' '}
          <a className={styles.link} href={prefixRoute(ROUTES.gettingStarted)}>
            How events get into AuditLens
          </a>
        </p>
      </FieldSet>
      <AccessSummary />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ maxWidth: 800, display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  link: css({ color: theme.colors.text.link, textDecoration: 'underline' }),
});
