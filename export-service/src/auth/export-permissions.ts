import {
  EXPORT_ACTION,
  LOG_TYPES,
  LOG_TYPE_TITLES,
  logTypeFromSlug,
  PLUGIN_ID,
  readAction,
  type LogType,
} from '@auditlens/contract';
import type { RequestHandler } from 'express';
import { NotAllowedError, UpstreamError } from '../domain-errors';
import type { JobRequester } from './requester';
import { requesterOf } from './resolve-requester';

/** Refused because the user's Grafana permissions changed since the export was asked for; says why. */
export class PermissionRevokedError extends NotAllowedError {
  constructor(message: string) {
    super(message);
    this.name = 'PermissionRevokedError';
  }
}

/**
 * What a user is about to be handed: `read`, a log type's data (rows, counts, facets, stats, integrity reports);
 * `export`, an export of it (its file, its mail, its manifest), which needs the read and the export permission.
 */
export type Access = 'read' | 'export';

/**
 * Asks Grafana, at the moment audit data is handed to a user, whether the user may have it: a permission
 * removed in Grafana takes effect at the next hand-over (a page, a download, a mail, a retry of the mail).
 */
export interface ExportAuthorizer {
  /**
   * Resolves when `requester` may now read `logType` and, for `export` (the default), export; rejects with
   * PermissionRevokedError (a reason to show the user) when not, or UpstreamError when Grafana cannot tell.
   */
  authorize(requester: JobRequester, logType: LogType, access?: Access): Promise<void>;
  /**
   * The log types `requester` may now be handed with `access` (the default `export`); none when Grafana no
   * longer has the user in the org. Rejects with UpstreamError when Grafana cannot tell.
   */
  permittedLogTypes(requester: JobRequester, access?: Access): Promise<ReadonlySet<LogType>>;
}

/** Options of {@link GrafanaExportPermissions}. */
export interface GrafanaExportPermissionsOptions {
  readonly grafanaUrl: string;
  /** Token of a service account with `users.permissions:read` (an org Admin service account has it). */
  readonly token: string;
}

type PermissionSearch = Record<string, Record<string, unknown>>;

/**
 * ExportAuthorizer asking Grafana for the user's current permissions on this plugin, every time (no cache of
 * its own):
 * `GET /api/access-control/users/permissions/search?namespacedId=user:<uid>&actionPrefix=<plugin id>.`
 * (grafana `pkg/services/accesscontrol/api/api.go`). It needs `users.permissions:read`, which Grafana grants
 * an org Admin (`fixed:org.users:reader`), and it answers on OSS too: the basic role's permissions, with the
 * plugin roles granted to it in plugin.json, plus roles assigned to the user (Enterprise, Cloud).
 * Grafana answers 400 for a uid it does not know (the user was deleted) and 500 when the user has no role in
 * the org (removed from it). Grafana caches a user's search result for 60 s (acimpl `cacheTTL`), so a change
 * takes up to a minute to show here.
 */
export class GrafanaExportPermissions implements ExportAuthorizer {
  constructor(private readonly options: GrafanaExportPermissionsOptions) {}

  async authorize(requester: JobRequester, logType: LogType, access: Access = 'export'): Promise<void> {
    if (!requester.uid) {
      throw new PermissionRevokedError(
        'this export was asked for before AuditLens recorded Grafana user ids; please export again'
      );
    }
    const granted = await this.search(requester.uid);
    if (!granted) {
      throw new PermissionRevokedError('your Grafana account is no longer a member of this organisation');
    }
    if (!granted.has(readAction(logType))) {
      throw new PermissionRevokedError(
        `you may no longer read ${LOG_TYPE_TITLES[logType].toLowerCase()} in Grafana`
      );
    }
    if (access === 'export' && !granted.has(EXPORT_ACTION)) {
      throw new PermissionRevokedError('you may no longer export audit logs in Grafana');
    }
  }

  async permittedLogTypes(requester: JobRequester, access: Access = 'export'): Promise<ReadonlySet<LogType>> {
    const granted = requester.uid ? await this.search(requester.uid) : undefined;
    if (!granted || (access === 'export' && !granted.has(EXPORT_ACTION))) return new Set();
    return new Set(LOG_TYPES.filter((logType) => granted.has(readAction(logType))));
  }

  /** The user's actions on this plugin, or undefined when Grafana no longer has the user in the org. */
  private async search(uid: string): Promise<Set<string> | undefined> {
    const base = this.options.grafanaUrl.replace(/\/+$/, '');
    const url = `${base}/api/access-control/users/permissions/search?namespacedId=${encodeURIComponent(
      `user:${uid}`
    )}&actionPrefix=${encodeURIComponent(`${PLUGIN_ID}.`)}`;
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { Authorization: `Bearer ${this.options.token}` },
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      throw new UpstreamError('grafana', 'Grafana is unreachable', true);
    }
    // 400: ComputeUserID found no such user; 500 "could not get org user permissions": no role in the org.
    if (res.status === 400) return undefined;
    if (res.status === 500 && /could not get org user permissions/.test(await res.text())) return undefined;
    if (!res.ok) {
      throw new UpstreamError(
        'grafana',
        res.status === 403
          ? "Grafana refused the permission check: the service account needs users.permissions:read (the org's Admin role)"
          : `Grafana permission check answered ${res.status}`,
        res.status >= 500,
        res.status
      );
    }
    const body = (await res.json()) as PermissionSearch;
    return new Set(Object.values(body).flatMap((actions) => Object.keys(actions)));
  }
}

/**
 * Lets a request for a log type's data (`/logs/:slug/...`: rows, facets, stats, integrity, export grants) through
 * only while the requester may read that log type in Grafana now; otherwise a 403 saying why. Grafana's proxy
 * checked the route's `reqAction` a moment before; this asks the same permission search as downloads and mails,
 * so every hand-over of audit data answers to one check. An unknown slug is left to the routes (404).
 */
export function requireReadPermission(authorizer: ExportAuthorizer): RequestHandler {
  return async (req, res, next) => {
    const slug = req.params['slug'];
    const logType = typeof slug === 'string' ? logTypeFromSlug(slug) : undefined;
    if (logType) await authorizer.authorize(requesterOf(res), logType, 'read');
    next();
  };
}
