import { UpstreamError } from '../domain-errors';
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
}

/** One entry of `GET /api/org/users` (grafana `org.OrgUserDTO`). */
interface OrgUser {
  readonly uid?: string;
  readonly login?: string;
  readonly email?: string;
  readonly name?: string;
}

/**
 * UserDirectory backed by Grafana's `GET /api/org/users?query=`. That endpoint needs only `org.users:read`, which
 * an org Admin service account has, and answers email and uid; `/api/users/lookup` needs a server admin
 * (`users:read` on `global.users:*`), which no service account is, and `/api/org/users/lookup` answers no email
 * (grafana `pkg/api/api.go`, `pkg/api/org_users.go`). `query` is a substring search over login, email and
 * name, so only an exact login match counts.
 *
 * Nothing is cached: a login is only a name, and Grafana may give it to someone else at any moment (the account
 * renamed away, a new account given the freed login). An answer kept for a while would hand the new holder of
 * a login the old one's uid, and with it the old one's exports; so every look-up asks Grafana.
 */
export class GrafanaUserDirectory implements UserDirectory {
  constructor(private readonly options: GrafanaUserDirectoryOptions) {}

  async lookup(login: string): Promise<Requester | undefined> {
    const found = (await this.orgUsers(login)).find((u) => u.login === login);
    return found?.uid && found.email
      ? { uid: found.uid, login, email: found.email, name: found.name || login }
      : undefined;
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
