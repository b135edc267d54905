import { UpstreamError } from '../http/errors';
import type { Requester } from './requester';

/** Looks up a member of the app's Grafana org by login. */
export interface UserDirectory {
  /** The user, or undefined when no member of the org has this exact login. */
  lookup(login: string): Promise<Requester | undefined>;
}

/** Options of {@link GrafanaUserDirectory}. */
export interface GrafanaUserDirectoryOptions {
  readonly grafanaUrl: string;
  /** Token of a service account with `org.users:read` (an org Admin service account has it). */
  readonly token: string;
  /** How long an answer is reused, in ms. The default value is 60000. */
  readonly cacheMs?: number;
  readonly now?: () => number;
}

/** One entry of `GET /api/org/users` (grafana `org.OrgUserDTO`). */
interface OrgUser {
  readonly uid?: string;
  readonly login?: string;
  readonly email?: string;
  readonly name?: string;
}

/**
 * UserDirectory backed by Grafana's `GET /api/org/users?query=`, with a short cache. That endpoint needs only
 * `org.users:read`, which an org Admin service account has, and answers email and uid; `/api/users/lookup`
 * needs a server admin (`users:read` on `global.users:*`), which no service account is, and
 * `/api/org/users/lookup` answers no email (grafana `pkg/api/api.go`, `pkg/api/org_users.go`). `query` is a
 * substring search over login, email and name, so only an exact login match counts.
 */
export class GrafanaUserDirectory implements UserDirectory {
  private readonly cache = new Map<string, { at: number; user: Requester | undefined }>();

  constructor(private readonly options: GrafanaUserDirectoryOptions) {}

  async lookup(login: string): Promise<Requester | undefined> {
    const now = (this.options.now ?? Date.now)();
    const hit = this.cache.get(login);
    if (hit && now - hit.at < (this.options.cacheMs ?? 60_000)) return hit.user;
    const found = (await this.orgUsers(login)).find((u) => u.login === login);
    const user =
      found?.uid && found.email
        ? { uid: found.uid, login, email: found.email, name: found.name || login }
        : undefined;
    this.cache.set(login, { at: now, user });
    return user;
  }

  private async orgUsers(query: string): Promise<OrgUser[]> {
    const base = this.options.grafanaUrl.replace(/\/+$/, '');
    let res: Response;
    try {
      res = await fetch(`${base}/api/org/users?query=${encodeURIComponent(query)}`, {
        headers: { Authorization: `Bearer ${this.options.token}` },
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      throw new UpstreamError('grafana', 'Grafana is unreachable', true);
    }
    if (!res.ok) {
      throw new UpstreamError(
        'grafana',
        res.status === 403
          ? "Grafana refused the user lookup: the service account needs org.users:read (the org's Admin role)"
          : `Grafana user lookup answered ${res.status}`,
        res.status >= 500,
        res.status
      );
    }
    return (await res.json()) as OrgUser[];
  }
}
