import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { createAuditEmitter } from '@auditlens/emitter';
import {
  alertmanagerBinary,
  announce,
  startAlertmanager,
  startLoki,
  type AlertmanagerAlert,
  type AlertmanagerServer,
  type LokiServer,
  SmtpInbox,
  waitForValue,
} from '@auditlens/testkit';
import { ROOT } from './repo-files';

const RULE_FILE = 'collector-config/rules/fake/auditlens-login-failures.yaml';
const ALERTMANAGER_CONFIG = 'collector-config/alertmanager.yaml';

// The ruler needs a Loki of the test's own (LOKI_URL names one someone else configured) and Debian's Alertmanager.
const canRun = Boolean(process.env['LOKI_BIN']) && alertmanagerBinary() !== undefined;
if (!canRun)
  announce(
    'loki-ruler-alerts: skipped (needs LOKI_BIN and prometheus-alertmanager; LOKI_URL cannot run rules)'
  );

interface RuleGroups {
  groups: Array<{ name: string; interval?: string; rules: Array<Record<string, unknown>> }>;
}

/** The shipped rule file with only the group's evaluation interval shortened (1m → 2s), so the test waits less. */
function rulesForTest(dir: string): RuleGroups {
  const rules = parse(readFileSync(join(ROOT, RULE_FILE), 'utf8')) as RuleGroups;
  const copy: RuleGroups = { groups: rules.groups.map((g) => ({ ...g, interval: '2s' })) };
  writeFileSync(join(dir, 'auditlens-login-failures.yaml'), stringify(copy));
  return rules;
}

/** The shipped Alertmanager configuration, sending to the test's SMTP server and grouping for 1 s, not 30 s. */
function alertmanagerConfig(smarthost: string): string {
  const config = parse(readFileSync(join(ROOT, ALERTMANAGER_CONFIG), 'utf8')) as {
    global: Record<string, unknown>;
    route: Record<string, unknown>;
  };
  config.global['smtp_smarthost'] = smarthost;
  config.route['group_wait'] = '1s';
  return stringify(config);
}

const describeReal = canRun ? describe : describe.skip;

describeReal(
  "Loki's ruler → Alertmanager → mail, with the shipped rules and Alertmanager configuration",
  () => {
    let inbox: SmtpInbox;
    let alertmanager: AlertmanagerServer;
    let loki: LokiServer;
    let rulesDir: string;
    let shipped: RuleGroups;

    beforeAll(async () => {
      inbox = await SmtpInbox.start();
      alertmanager = await startAlertmanager(alertmanagerConfig(inbox.hostPort));
      rulesDir = mkdtempSync(join(tmpdir(), 'auditlens-rules-'));
      shipped = rulesForTest(rulesDir);
      loki = await startLoki({ rulesDir, alertmanagerUrl: alertmanager.url });
      announce(`loki-ruler-alerts: real Loki 3.7.6 at ${loki.url}, real Alertmanager at ${alertmanager.url}`);
    }, 120_000);

    afterAll(async () => {
      await loki?.dispose();
      await alertmanager?.dispose();
      await inbox?.stop();
      if (rulesDir) rmSync(rulesDir, { recursive: true, force: true });
    });

    it('the test runs the shipped rules: only the evaluation interval differs', () => {
      expect(shipped.groups.map((g) => g.interval)).toEqual(['1m']);
      const copy = parse(readFileSync(join(rulesDir, 'auditlens-login-failures.yaml'), 'utf8')) as RuleGroups;
      expect(copy.groups.map((g) => g.rules)).toEqual(shipped.groups.map((g) => g.rules));
    });

    it('five failed logins of one user (or from one IP) within five minutes raise an alert with its label; four do not', async () => {
      const errors: string[] = [];
      const audit = createAuditEmitter({
        serviceName: 'helpdesk',
        endpoint: `${loki.url}/otlp`,
        throwOnInvalid: true,
        onError: (e) => errors.push(`${e.kind}: ${e.message} ${String(e.cause)}`),
      });
      const now = Date.now();
      const failedLogin = (user: string, ip: string, secondsAgo: number) =>
        audit.access({
          user: { id: `id-${user}`, name: user },
          action: 'login_failed',
          portal: 'agent',
          loginSource: 'form',
          ip,
          reason: 'invalid_password',
          time: new Date(now - secondsAgo * 1000),
        });
      // alice: 5 failures from 5 IPs → the user rule fires for her, the IP rule for none of those IPs.
      for (let i = 0; i < 5; i++) failedLogin('alice', `198.51.100.${i + 1}`, 10 + i * 30);
      // bob: 4 failures from one IP → neither rule fires.
      for (let i = 0; i < 4; i++) failedLogin('bob', '203.0.113.9', 10 + i * 30);
      // carol: 4 failures and a successful login → the success does not count.
      for (let i = 0; i < 4; i++) failedLogin('carol', `198.51.100.${20 + i}`, 10 + i * 30);
      audit.access({
        user: { id: 'id-carol', name: 'carol' },
        action: 'login',
        portal: 'agent',
        loginSource: 'form',
        ip: '198.51.100.30',
        time: new Date(now - 5_000),
      });
      // 192.0.2.7: 5 failures by 5 users → the IP rule fires for it, the user rule for none of them.
      for (let i = 0; i < 5; i++) failedLogin(`user${i}`, '192.0.2.7', 10 + i * 30);
      await audit.shutdown();
      expect(errors).toEqual([]);
      expect(audit.stats()).toMatchObject({ recorded: 19, exported: 19, failed: 0, dropped: 0 });

      const fired = (alerts: AlertmanagerAlert[]) =>
        alerts
          .map((a) => `${a.labels['alertname']} ${a.labels['user_name'] ?? a.labels['client_address']}`)
          .sort();
      const expected = [
        'AuditLensRepeatedLoginFailuresByIP 192.0.2.7',
        'AuditLensRepeatedLoginFailuresByUser alice',
      ];
      await waitForValue('both alerts in Alertmanager', async () => {
        const alerts = await alertmanager.alerts();
        return expected.every((e) => fired(alerts).includes(e)) ? alerts : undefined;
      });
      const seenAt = Date.now();

      // The ruler evaluates every series of a rule at once, but wait for one more evaluation after the alerts
      // arrived before asserting that no other alert came: then bob, carol and alice's IPs were all evaluated.
      await waitForValue('a ruler evaluation after the alerts arrived', async () => {
        const res = await fetch(`${loki.url}/prometheus/api/v1/rules`);
        const body = (await res.json()) as { data: { groups: Array<{ lastEvaluation: string }> } };
        return body.data.groups.every((g) => Date.parse(g.lastEvaluation) > seenAt) ? true : undefined;
      });
      const alerts = await alertmanager.alerts();
      expect(fired(alerts)).toEqual(expected);

      const byUser = alerts.find((a) => a.labels['alertname'] === 'AuditLensRepeatedLoginFailuresByUser')!;
      expect(byUser.labels).toMatchObject({ user_name: 'alice', severity: 'warning', source: 'auditlens' });
      expect(byUser.annotations['summary']).toBe('User alice failed to log in 5 times in 5 minutes');
      expect(byUser.annotations['description']).toContain('access?action=login_failed&user=alice in Grafana');
      expect(byUser.status.state).toBe('active');
      const byIp = alerts.find((a) => a.labels['alertname'] === 'AuditLensRepeatedLoginFailuresByIP')!;
      expect(byIp.annotations['summary']).toBe('IP 192.0.2.7 failed to log in 5 times in 5 minutes');
    }, 240_000);

    it('Alertmanager mails each alert to the security address through the configured SMTP relay', async () => {
      const mails = await waitForValue('two alert mails', async () =>
        inbox.messages.length >= 2 ? inbox.messages : undefined
      );
      for (const mail of mails) {
        const to = Array.isArray(mail.to) ? mail.to : [mail.to];
        expect(to.flatMap((t) => t?.value.map((v) => v.address))).toEqual(['security@example.test']);
        expect(mail.from?.value[0]?.address).toBe('alertmanager@example.test');
      }
      const text = mails.map((m) => `${m.subject}\n${m.text ?? ''}\n${m.html || ''}`).join('\n');
      expect(text).toContain('User alice failed to log in 5 times in 5 minutes');
      expect(text).toContain('IP 192.0.2.7 failed to log in 5 times in 5 minutes');
      expect(text).not.toContain('bob');
    }, 120_000);
  }
);
