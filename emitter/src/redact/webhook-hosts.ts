/**
 * Incoming-webhook URLs whose path is the secret: whoever has the URL can post. For each, how many leading path
 * segments are kept (they tell webhooks of one service apart without being the secret); the rest of the path is
 * replaced by one placeholder. `'path'`: only the query holds the secret (the query rule takes it), the path is
 * kept as it is.
 */
export interface WebhookHost {
  /** The service, for the README's list. */
  readonly service: string;
  /** Host names: exact (`hooks.slack.com`), a suffix with its leading dot (`.webhook.office.com`), or a pattern. */
  readonly hosts: ReadonlyArray<string | RegExp>;
  /** Path segments kept, from the path's segments; undefined when this is not a webhook path of the host. */
  readonly keep: (segments: readonly string[]) => number | 'path' | undefined;
}

const upTo =
  (marker: string, after = 0) =>
  (segments: readonly string[]): number | undefined => {
    const at = segments.indexOf(marker);
    return at < 0 ? undefined : at + 1 + after;
  };

/** The webhook hosts whose secrets are in the path (or, for a few, in the query only). */
export const WEBHOOK_HOSTS: readonly WebhookHost[] = [
  // https://hooks.slack.com/services/T…/B…/<secret>, /workflows/…, /triggers/…
  { service: 'Slack', hosts: ['hooks.slack.com', 'hooks.slack-gov.com'], keep: () => 1 },
  // https://discord.com/api/webhooks/<id>/<token> (also /api/v10/webhooks/…): the id stays, the token goes.
  {
    service: 'Discord',
    hosts: ['discord.com', 'discordapp.com', '.discord.com', '.discordapp.com'],
    keep: upTo('webhooks', 1),
  },
  // https://<tenant>.webhook.office.com/webhookb2/<group>@<tenant>/IncomingWebhook/<id>/<owner>/<secret>
  { service: 'Microsoft Teams', hosts: ['.webhook.office.com'], keep: () => 1 },
  {
    service: 'Microsoft Teams (legacy connector)',
    hosts: ['outlook.office.com', 'outlook.office365.com'],
    keep: upTo('webhook', 0),
  },
  // https://prod-00.westeurope.logic.azure.com/workflows/<id>/triggers/manual/paths/invoke?…&sig=<secret>
  {
    service: 'Power Automate / Logic Apps workflows (sig)',
    hosts: ['.logic.azure.com', '.api.powerplatform.com'],
    keep: () => 'path',
  },
  // https://chat.googleapis.com/v1/spaces/<space>/messages?key=<key>&token=<token>
  { service: 'Google Chat (key, token)', hosts: ['chat.googleapis.com'], keep: () => 'path' },
  // https://hooks.zapier.com/hooks/catch/<account>/<secret>/
  { service: 'Zapier', hosts: ['hooks.zapier.com'], keep: upTo('catch', 1) },
  // https://hook.eu1.make.com/<secret>
  { service: 'Make', hosts: [/^hook\.[a-z0-9-]+\.make\.com$/, 'hook.integromat.com'], keep: () => 0 },
  // https://maker.ifttt.com/trigger/<event>/with/key/<secret>, /use/<secret>
  {
    service: 'IFTTT',
    hosts: ['maker.ifttt.com'],
    keep: (s) => upTo('key')(s) ?? upTo('use')(s) ?? 0,
  },
  // https://events.pagerduty.com/integration/<secret>/enqueue
  { service: 'PagerDuty', hosts: ['events.pagerduty.com'], keep: upTo('integration') },
  // https://api.telegram.org/bot<id>:<secret>/sendMessage
  { service: 'Telegram', hosts: ['api.telegram.org'], keep: () => 0 },
  // https://webexapis.com/v1/webhooks/incoming/<secret>
  { service: 'Webex', hosts: ['webexapis.com'], keep: upTo('incoming') },
  // https://integrations.zoom.us/chat/webhooks/incomingwebhook/<secret>
  { service: 'Zoom', hosts: ['integrations.zoom.us'], keep: upTo('incomingwebhook') },
  // https://open.feishu.cn/open-apis/bot/v2/hook/<secret>
  { service: 'Feishu / Lark', hosts: ['open.feishu.cn', 'open.larksuite.com'], keep: upTo('hook') },
];

/**
 * Mattermost and Rocket.Chat run on any host: `/hooks/<key>` (26 lowercase letters and digits for Mattermost,
 * `<id>/<token>` for Rocket.Chat). A `hooks` segment followed by 16 or more letters and digits marks one.
 */
export function selfHostedHookKeep(segments: readonly string[]): number | undefined {
  const at = segments.indexOf('hooks');
  return at >= 0 && /^[A-Za-z0-9]{16,}$/.test(segments[at + 1] ?? '') ? at + 1 : undefined;
}

/** How much of the path of a URL to `hostname` is kept, when it is a known webhook's; else undefined. */
export function webhookKeep(hostname: string, segments: readonly string[]): number | 'path' | undefined {
  const host = hostname.toLowerCase();
  for (const w of WEBHOOK_HOSTS) {
    if (
      w.hosts.some((h) =>
        typeof h !== 'string' ? h.test(host) : h.startsWith('.') ? host.endsWith(h) : host === h
      )
    ) {
      const keep = w.keep(segments);
      if (keep !== undefined) return keep;
    }
  }
  return selfHostedHookKeep(segments);
}
