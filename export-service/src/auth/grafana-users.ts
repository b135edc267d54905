import { UpstreamError } from '../errors';
import type { Requester } from './requester';

/** Looks up a Grafana user by login. */
export interface UserDirectory {
  /** The user, or undefined when Grafana has no such login. */
  lookup(login: string): Promise<Requester | undefined>;
}

/** Options of {@link GrafanaUserDirectory}. */
export interface GrafanaUserDirectoryOptions {
  readonly grafanaUrl: string;
  /** Service-account token allowed to read users. */
  readonly token: string;
  /** How long an answer is reused, in ms. The default value is 60000. */
  readonly cacheMs?: number;
  readonly now?: () => number;
}

interface LookupAnswer {
  login?: string;
  email?: string;
  name?: string;
}

/**
 * UserDirectory backed by Grafana's `GET /api/users/lookup` (or, for a service account that may not use it,
 * the organisation's `GET /api/org/users/lookup`), with a short cache.
 */
export class GrafanaUserDirectory implements UserDirectory {
  private readonly cache = new Map<string, { at: number; user: Requester | undefined }>();

  constructor(private readonly options: GrafanaUserDirectoryOptions) {}

  async lookup(login: string): Promise<Requester | undefined> {
    const now = (this.options.now ?? Date.now)();
    const hit = this.cache.get(login);
    if (hit && now - hit.at < (this.options.cacheMs ?? 60_000)) return hit.user;
    const base = this.options.grafanaUrl.replace(/\/+$/, '');
    let res = await this.get(`${base}/api/users/lookup?loginOrEmail=${encodeURIComponent(login)}`);
    let user: Requester | undefined;
    if (res.status === 403) {
      // /api/users/lookup needs a Grafana server admin, which a service account cannot be in Grafana OSS;
      // the organisation's user search needs only org.users:read, which an org Admin service account has.
      res = await this.get(`${base}/api/org/users/lookup?query=${encodeURIComponent(login)}&limit=50`);
      if (!res.ok)
        throw new UpstreamError(
          'grafana',
          `Grafana user lookup answered ${res.status}`,
          res.status >= 500,
          res.status
        );
      const found = ((await res.json()) as LookupAnswer[]).find((u) => u.login === login);
      user = found?.email ? { login, email: found.email, name: found.name || login } : undefined;
    } else if (res.status === 404) {
      user = undefined;
    } else if (!res.ok) {
      throw new UpstreamError(
        'grafana',
        `Grafana user lookup answered ${res.status}`,
        res.status >= 500,
        res.status
      );
    } else {
      const body = (await res.json()) as LookupAnswer;
      // Only an exact login match counts: loginOrEmail also matches emails.
      user =
        body.login === login && body.email
          ? { login, email: body.email, name: body.name || login }
          : undefined;
    }
    this.cache.set(login, { at: now, user });
    return user;
  }

  private async get(url: string): Promise<Response> {
    try {
      return await fetch(url, {
        headers: { Authorization: `Bearer ${this.options.token}` },
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      throw new UpstreamError('grafana', 'Grafana is unreachable', true);
    }
  }
}
