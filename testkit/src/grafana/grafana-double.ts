// grafana-double: an HTTP server on 127.0.0.1 standing in for the Grafana 13 server, which cannot run on these
// machines. It answers the way Grafana's handlers do for what AuditLens meets:
// - the app plugin proxy (`/api/plugin-proxy/<id>/...`), deciding as `plugin-proxy-routing.ts` describes and
//   then forwarding for real (headers and body streamed, the answer streamed back);
// - ID tokens and their key set (`grafana-id-token.ts`; `GET /api/signing-keys/keys` needs no sign-in);
// - the user APIs a service account token calls, with Grafana's permission checks and response shapes
//   (`pkg/api/api.go` for the checks, `pkg/api/user.go`, `pkg/api/org_users.go`,
//   `pkg/services/accesscontrol/api/api.go` for the handlers);
// - `POST /api/ds/query` with Grafana's permission rule, running Loki queries for real (`data-source-query.ts`).
// One plugin, installed on the server and enabled in one org (the app's); other orgs hold their own data sources
// and members. Users sign in with a session cookie, service accounts (of the app's org) with bearer tokens.
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { text } from 'node:stream/consumers';
import {
  decidePluginProxyRequest,
  proxyPathOf,
  type PluginSettingsData,
  type ProxyCaller,
} from './plugin-proxy-routing';
import {
  dataSourcePermissionsOf,
  hasPermission,
  permissionsOf,
  type OrgRole,
  type RbacPermission,
} from './grafana-rbac';
import { answerDataSourceQuery, type GrafanaDoubleDataSource } from './data-source-query';
import {
  GrafanaSigningKey,
  grafanaAppUrl,
  idTokenClaims,
  type GrafanaIdTokenClaims,
  type IdTokenSubject,
} from './grafana-id-token';
import type { PluginJson } from './plugin-json';

/** A Grafana user of the double's org. */
export interface GrafanaDoubleUser {
  readonly login: string;
  /** Empty for a user without an email address. Default `<login>@example.test`. */
  readonly email?: string;
  /** Default: the login. */
  readonly name?: string;
  /** The stable id (`user.uid`). Default: generated. */
  readonly uid?: string;
  /** Org role in the app's org (`orgId` of the options). The default value is `Viewer`. */
  readonly orgRole?: OrgRole;
  /** Roles in the other orgs the user is a member of, by org id (each org must be in the options' `orgs`). */
  readonly orgs?: Readonly<Record<number, OrgRole>>;
  /** False for a user who is a member of other orgs only. The default value is true. */
  readonly inAppOrg?: boolean;
  /** A Grafana server admin (`Grafana Admin` basic role). */
  readonly isGrafanaAdmin?: boolean;
  readonly emailVerified?: boolean;
  /** idP groups, carried in the ID token's `groups`. */
  readonly groups?: readonly string[];
  /**
   * Actions assigned to the user directly (Enterprise/Cloud role assignments; Grafana OSS cannot do this,
   * there everything follows from the org role and plugin.json `grants`).
   */
  readonly assigned?: readonly string[];
}

/** An org of the double's server besides the app's. */
export interface GrafanaDoubleOrg {
  readonly id: number;
  readonly name: string;
}

/** A service account of the app's org and its token. */
export interface GrafanaDoubleServiceAccount {
  readonly token: string;
  readonly name?: string;
  /** The default value is `Viewer`, as Grafana creates them. */
  readonly orgRole?: OrgRole;
}

/** How the double's Grafana is configured. */
export interface GrafanaDoubleOptions {
  readonly plugin: PluginJson;
  /** The app's `jsonData`. */
  readonly jsonData?: Readonly<Record<string, unknown>>;
  /** The app's `secureJsonData` (decrypted). */
  readonly secureJsonData?: Readonly<Record<string, string>>;
  /** The org the app is enabled in, of `users[].orgRole` and of the service accounts. The default value is 1. */
  readonly orgId?: number;
  /** Other orgs of the server (they have no setting of the app). The default value is none. */
  readonly orgs?: readonly GrafanaDoubleOrg[];
  /** The app's setting in its org is enabled (`checkAppEnabled`). The default value is true. */
  readonly appEnabled?: boolean;
  /** Data sources of the orgs, as provisioning or the API created them. The default value is none. */
  readonly dataSources?: readonly GrafanaDoubleDataSource[];
  /** A Grafana Cloud stack id: namespaces become `stacks-<id>`. Default: none (on-prem). */
  readonly stackId?: number;
  /** `[server] root_url`, the ID token issuer. The default value is `http://localhost:3000/` (Grafana's). */
  readonly rootUrl?: string;
  /** Feature toggle `idForwarding`: the proxy adds `X-Grafana-Id`. The default value is false. */
  readonly idForwarding?: boolean;
  /** `[dataproxy] send_user_header`: the proxy adds `X-Grafana-User`. The default value is false. */
  readonly sendUserHeader?: boolean;
  readonly users?: readonly GrafanaDoubleUser[];
  readonly serviceAccounts?: readonly GrafanaDoubleServiceAccount[];
}

/** A request that reached a `/api/...` endpoint other than the plugin proxy. */
export interface GrafanaApiCall {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly status: number;
}

/** A request the plugin proxy forwarded, as the upstream received it. */
export interface ForwardedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

interface UserRecord {
  id: number;
  uid: string;
  login: string;
  email: string;
  name: string;
  orgRole: OrgRole | undefined;
  memberships: Map<number, OrgRole>;
  isGrafanaAdmin: boolean;
  emailVerified: boolean;
  groups: readonly string[];
  assigned: RbacPermission[];
}

// `orgId` is the org the request works in, `role` the identity's role there ('None' when not a member).
type Identity =
  | { readonly type: 'user'; readonly user: UserRecord; readonly orgId: number; readonly role: OrgRole }
  | {
      readonly type: 'service-account';
      readonly id: number;
      readonly name: string;
      readonly orgId: number;
      readonly role: OrgRole;
    };

const SESSION_COOKIE = 'grafana_session';
// http.ReverseProxy removes these hop-by-hop headers both ways.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/** Grafana's server for tests; see the file comment. */
export class GrafanaDouble {
  /** Calls to `/api/...` (not the plugin proxy), in order. */
  readonly apiCalls: GrafanaApiCall[] = [];
  /** What the plugin proxy forwarded, in order. */
  readonly forwarded: ForwardedRequest[] = [];
  private readonly users: UserRecord[] = [];
  private readonly sessions = new Map<string, number>();
  private readonly serviceAccounts = new Map<string, { id: number; name: string; orgRole: OrgRole }>();
  private nextId = 1;
  private readonly server: Server;
  private settings: PluginSettingsData;
  private readonly orgId: number;
  private readonly orgNames: Map<number, string>;
  private appEnabled: boolean;
  private readonly dataSources: GrafanaDoubleDataSource[];

  private constructor(
    private readonly options: GrafanaDoubleOptions,
    private readonly key: GrafanaSigningKey
  ) {
    this.orgId = options.orgId ?? 1;
    this.orgNames = new Map([
      [this.orgId, 'Main Org.'],
      ...(options.orgs ?? []).map((o) => [o.id, o.name] as const),
    ]);
    this.appEnabled = options.appEnabled ?? true;
    this.dataSources = [...(options.dataSources ?? [])];
    for (const ds of this.dataSources) this.checkOrg(ds.orgId);
    this.settings = { jsonData: options.jsonData ?? {}, secureJsonData: options.secureJsonData ?? {} };
    for (const u of options.users ?? []) this.addUser(u);
    for (const sa of options.serviceAccounts ?? []) {
      this.serviceAccounts.set(sa.token, {
        id: this.nextId++,
        name: sa.name ?? 'sa',
        orgRole: sa.orgRole ?? 'Viewer',
      });
    }
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) json(res, 500, { message: `grafana double: ${String(error)}` });
        else res.destroy();
      });
    });
  }

  /** Starts the double on a free port of 127.0.0.1. */
  static async start(options: GrafanaDoubleOptions): Promise<GrafanaDouble> {
    const double = new GrafanaDouble(options, await GrafanaSigningKey.generate());
    await new Promise<void>((resolve) => double.server.listen(0, '127.0.0.1', resolve));
    return double;
  }

  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The issuer the double's ID tokens carry (`root_url` with its trailing slash). */
  get issuer(): string {
    return grafanaAppUrl(this.options.rootUrl ?? 'http://localhost:3000/');
  }

  /** Adds a user to the server, the app's org and the orgs of `spec.orgs`. */
  addUser(spec: GrafanaDoubleUser): void {
    const id = this.nextId++;
    const memberships = new Map<number, OrgRole>();
    for (const [org, role] of Object.entries(spec.orgs ?? {}))
      memberships.set(this.checkOrg(Number(org)), role);
    this.users.push({
      id,
      uid: spec.uid ?? `u${randomBytes(6).toString('hex')}`,
      login: spec.login,
      email: spec.email ?? `${spec.login}@example.test`,
      name: spec.name ?? spec.login,
      orgRole: spec.inAppOrg === false ? undefined : (spec.orgRole ?? 'Viewer'),
      memberships,
      isGrafanaAdmin: spec.isGrafanaAdmin ?? false,
      emailVerified: spec.emailVerified ?? false,
      groups: spec.groups ?? [],
      assigned: (spec.assigned ?? []).map((action) => ({ action })),
    });
  }

  /** The user's stable id. */
  uidOf(login: string): string {
    return this.user(login).uid;
  }

  /** Headers a browser signed in as `login` sends: Grafana's session cookie. */
  sessionFor(login: string): Record<string, string> {
    const user = this.user(login);
    const sid = randomBytes(16).toString('hex');
    this.sessions.set(sid, user.id);
    return { Cookie: `${SESSION_COOKIE}=${sid}` };
  }

  /** The ID token Grafana would forward for `login` now, in the app's org. */
  idTokenFor(login: string): Promise<string> {
    return this.key.sign(this.claimsOf(this.inAppOrg(this.user(login))));
  }

  /** The claims of {@link idTokenFor}, for tests that sign variants with {@link signToken}. */
  claimsFor(login: string): GrafanaIdTokenClaims {
    return this.claimsOf(this.inAppOrg(this.user(login)));
  }

  /** Signs any claims with the double's key (for tokens Grafana would never issue). */
  signToken(claims: Readonly<Record<string, unknown>>): Promise<string> {
    return this.key.sign(claims);
  }

  /** Changes the user's org role (`PATCH /api/org/users/:id`). */
  setOrgRole(login: string, orgRole: OrgRole): void {
    this.user(login).orgRole = orgRole;
  }

  /** Assigns (Enterprise) or removes actions assigned directly to the user. */
  setAssigned(login: string, actions: readonly string[]): void {
    this.user(login).assigned = actions.map((action) => ({ action }));
  }

  /** Removes the user from the org; the user still exists on the server. */
  removeFromOrg(login: string): void {
    this.user(login).orgRole = undefined;
  }

  /** Deletes the user from the server; the login is free again. */
  deleteUser(login: string): void {
    const user = this.user(login);
    this.users.splice(this.users.indexOf(user), 1);
  }

  /** Renames the user (the uid stays). */
  renameUser(login: string, newLogin: string): void {
    this.user(login).login = newLogin;
  }

  /** Enables or disables the app in its org (`POST /api/plugins/<id>/settings` `{enabled}`). */
  setAppEnabled(enabled: boolean): void {
    this.appEnabled = enabled;
  }

  /** Adds a data source to its org (provisioning or `POST /api/datasources`). */
  addDataSource(ds: GrafanaDoubleDataSource): void {
    this.checkOrg(ds.orgId);
    this.dataSources.push(ds);
  }

  /** Replaces the app's `jsonData` (the config page saving settings). */
  setJsonData(jsonData: Readonly<Record<string, unknown>>): void {
    this.settings = { ...this.settings, jsonData };
  }

  /** Stops listening and closes open connections. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private checkOrg(orgId: number): number {
    if (!this.orgNames.has(orgId)) throw new Error(`grafana double: no org ${orgId}`);
    return orgId;
  }

  private roleIn(user: UserRecord, orgId: number): OrgRole | undefined {
    return orgId === this.orgId ? user.orgRole : user.memberships.get(orgId);
  }

  private inAppOrg(user: UserRecord): Identity {
    return { type: 'user', user, orgId: this.orgId, role: user.orgRole ?? 'None' };
  }

  private user(login: string): UserRecord {
    const user = this.users.find((u) => u.login === login);
    if (!user) throw new Error(`grafana double: no user ${login}`);
    return user;
  }

  private claimsOf(identity: Identity): GrafanaIdTokenClaims {
    const subject: IdTokenSubject =
      identity.type === 'user'
        ? {
            id: identity.user.id,
            uid: identity.user.uid,
            type: 'user',
            login: identity.user.login,
            email: identity.user.email,
            emailVerified: identity.user.emailVerified,
            name: identity.user.name,
            orgRole: identity.role,
            groups: identity.user.groups,
          }
        : {
            id: identity.id,
            uid: `sa-${identity.id}`,
            type: 'service-account',
            login: identity.name,
            email: '',
            emailVerified: false,
            name: identity.name,
            orgRole: identity.role,
          };
    return idTokenClaims(
      subject,
      { rootUrl: this.issuer, orgId: identity.orgId, stackId: this.options.stackId },
      Math.floor(Date.now() / 1000)
    );
  }

  // Permissions hold per org: the basic role there, the plugin roles it is granted, directly assigned actions (in
  // the app's org), and the data source permissions of that org's data sources (grafana-rbac.ts).
  private permissionsOf(identity: Identity): RbacPermission[] {
    const roles = this.options.plugin.roles ?? [];
    const dataSources = this.dataSources.filter((d) => d.orgId === identity.orgId).map((d) => d.uid);
    const own =
      identity.type === 'service-account'
        ? permissionsOf(identity.role, false, roles)
        : permissionsOf(
            identity.role,
            identity.user.isGrafanaAdmin,
            roles,
            identity.orgId === this.orgId ? identity.user.assigned : []
          );
    return [...own, ...dataSourcePermissionsOf(identity.role, dataSources)];
  }

  // pkg/services/authn: a session cookie or a service account's bearer token; a user in no org any more (or
  // deleted) has no usable session here. authnimpl/service.go `orgIDFromRequest`: the `targetOrgId` query or the
  // `X-Grafana-Org-Id` header picks the org, else the user's own (the app's org when a member there); in an org the
  // user does not belong to, user_sync's signed-in user has no role, modelled as 'None'.
  private identify(req: IncomingMessage, url: URL): Identity | undefined {
    const target = Number(url.searchParams.get('targetOrgId') ?? req.headers['x-grafana-org-id'] ?? 0);
    const requested = Number.isInteger(target) && target > 0 ? target : undefined;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (bearer) {
      const sa = this.serviceAccounts.get(bearer[1]!);
      if (!sa) return undefined;
      const orgId = requested ?? this.orgId;
      return { type: 'service-account', ...sa, orgId, role: orgId === this.orgId ? sa.orgRole : 'None' };
    }
    const sid = /(?:^|;\s*)grafana_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const userId = sid ? this.sessions.get(sid) : undefined;
    const user = this.users.find((u) => u.id === userId);
    if (!user) return undefined;
    const home = user.orgRole !== undefined ? this.orgId : Math.min(...user.memberships.keys());
    if (!Number.isFinite(home)) return undefined;
    const orgId = requested ?? home;
    return { type: 'user', user, orgId, role: this.roleIn(user, orgId) ?? 'None' };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://grafana.invalid');
    // Go reads the escaped path as sent (`URL.EscapedPath()`); the plugin proxy cleans it itself (proxyPathOf).
    const rawPath = (req.url ?? '/').split('?')[0]!;
    const method = (req.method ?? 'GET').toUpperCase();
    // Served without sign-in: grafana/authlib's key retriever (authn/jwks.go) fetches it with no credentials.
    if (url.pathname === '/api/signing-keys/keys' && method === 'GET') {
      json(res, 200, this.key.jwks());
      return;
    }
    const identity = this.identify(req, url);
    const proxyPath = proxyPathOf(rawPath, this.options.plugin.id);
    if (proxyPath !== undefined) {
      if (!identity) return json(res, 401, { message: 'Unauthorized' });
      await this.proxy(req, res, identity, proxyPath, url.search);
      return;
    }
    const record = (status: number, body: unknown) => {
      this.apiCalls.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), status });
      json(res, status, body);
    };
    // contexthandler: an API call without a valid session or token is 401.
    if (!identity) return record(401, { message: 'Unauthorized' });
    const held = this.permissionsOf(identity);
    // accesscontrol middleware: a missing permission answers 403 naming it.
    const deny = (needed: string) =>
      record(403, {
        accessErrorId: 'ACE0000000000',
        message: `You'll need additional permissions to perform this action. Permissions needed: ${needed}`,
        title: 'Access denied',
      });
    const route = `${method} ${url.pathname}`;
    if (route === 'POST /api/ds/query') {
      const answer = await answerDataSourceQuery(await text(req), {
        orgId: identity.orgId,
        permissions: held,
        dataSources: this.dataSources,
      });
      return record(answer.status, answer.body);
    }
    if (route === 'GET /api/users/lookup') {
      // api.go: users:read on global.users:* (a server admin); user.go GetUserByLoginOrEmail.
      if (!hasPermission(held, 'users:read', 'global.users:*')) return deny('users:read');
      const q = url.searchParams.get('loginOrEmail') ?? '';
      const user = this.users.find((u) => u.login === q) ?? this.users.find((u) => u.email === q);
      if (!user) return record(404, { message: 'user not found' });
      return record(200, {
        id: user.id,
        uid: user.uid,
        email: user.email,
        name: user.name,
        login: user.login,
        orgId: this.orgId,
        isGrafanaAdmin: user.isGrafanaAdmin,
        isDisabled: false,
        isExternal: false,
      });
    }
    if (route === 'GET /api/org/users/lookup') {
      // api.go (OSS lookupEvaluator): org.users:read, or permission-writing on teams/folders/dashboards;
      // org_users.go GetOrgUsersForCurrentOrgLookup answers UserLookupDTO, which has no email.
      if (!hasPermission(held, 'org.users:read')) return deny('org.users:read');
      return record(
        200,
        this.searchOrgUsers(url).map((u) => ({
          userId: u.id,
          uid: u.uid,
          login: u.login,
          avatarUrl: avatar(u),
        }))
      );
    }
    if (route === 'GET /api/org/users') {
      // api.go: org.users:read; org_users.go GetOrgUsersForCurrentOrg answers OrgUserDTO.
      if (!hasPermission(held, 'org.users:read')) return deny('org.users:read');
      return record(
        200,
        this.searchOrgUsers(url).map((u) => ({
          orgId: this.orgId,
          userId: u.id,
          uid: u.uid,
          email: u.email,
          name: u.name,
          avatarUrl: avatar(u),
          login: u.login,
          role: u.orgRole,
          lastSeenAt: '2026-12-01T00:00:00Z',
          lastSeenAtAge: '1d',
          isDisabled: false,
          authLabels: [],
          isExternallySynced: false,
          isProvisioned: false,
        }))
      );
    }
    if (route === 'GET /api/access-control/users/permissions/search') {
      return this.searchPermissions(url, held, record, deny);
    }
    record(404, { message: 'Not found' });
  }

  // org store SearchOrgUsers: members of the org only (no service accounts), `query` a case-insensitive
  // substring of email, name or login (SQL LIKE %q%), ordered by email then login, `limit` > 0 applied.
  private searchOrgUsers(url: URL): UserRecord[] {
    const q = (url.searchParams.get('query') ?? '').toLowerCase();
    const limit = Number(url.searchParams.get('limit') ?? 0);
    const found = this.users
      .filter((u) => u.orgRole !== undefined)
      .filter((u) => !q || [u.email, u.name, u.login].some((v) => v.toLowerCase().includes(q)))
      .sort((a, b) => a.email.localeCompare(b.email) || a.login.localeCompare(b.login));
    return limit > 0 ? found.slice(0, limit) : found;
  }

  // accesscontrol/api/api.go searchUsersPermissions with acimpl SearchUsersPermissions → SearchUserPermissions
  // for a `namespacedId`: needs users.permissions:read; `user:<uid or id>`; an unknown user is 400 with a bare
  // JSON string; a user without a role in the org makes the search fail (500); otherwise
  // `{ "<userId>": { action: scopes | null } }` (ac.Reduce: a scopeless action maps to null). Grafana caches a
  // user's answer for 60 s (acimpl cacheTTL); the double answers fresh every time.
  private searchPermissions(
    url: URL,
    held: readonly RbacPermission[],
    record: (status: number, body: unknown) => void,
    deny: (needed: string) => void
  ): void {
    if (!hasPermission(held, 'users.permissions:read')) return deny('users.permissions:read');
    const action = url.searchParams.get('action') ?? '';
    const prefix = url.searchParams.get('actionPrefix') ?? '';
    const typed = url.searchParams.get('namespacedId') ?? '';
    if (action && prefix) return record(400, "'action' and 'actionPrefix' are mutually exclusive");
    let user: UserRecord | undefined;
    if (typed) {
      const m = /^(user|service-account):(.+)$/.exec(typed);
      if (!m) return record(500, `expected id to have 2 parts: auth.identity.invalid-typed-id`);
      user = this.users.find((u) => String(u.id) === m[2] || u.uid === m[2]);
      if (!user) return record(400, 'user not found');
    } else if (!action && !prefix) {
      return record(400, 'at least one search option must be provided');
    }
    const matches = (p: RbacPermission) => (action ? p.action === action : p.action.startsWith(prefix));
    const reduce = (perms: RbacPermission[]) => {
      const out: Record<string, string[] | null> = {};
      for (const p of perms.filter(matches)) {
        if (!p.scope) out[p.action] ??= null;
        else out[p.action] = [...(out[p.action] ?? []), p.scope];
      }
      return out;
    };
    if (user) {
      if (user.orgRole === undefined) return record(500, { message: 'could not get org user permissions' });
      return record(200, { [user.id]: reduce(this.permissionsOf(this.inAppOrg(user))) });
    }
    const all: Record<string, unknown> = {};
    for (const u of this.users.filter((x) => x.orgRole !== undefined)) {
      const perms = reduce(this.permissionsOf(this.inAppOrg(u)));
      if (Object.keys(perms).length > 0) all[u.id] = perms;
    }
    record(200, all);
  }

  private async proxy(
    req: IncomingMessage,
    res: ServerResponse,
    identity: Identity,
    proxyPath: string,
    search: string
  ): Promise<void> {
    const held = this.permissionsOf(identity);
    const caller: ProxyCaller = {
      can: (action, scope) => hasPermission(held, action, scope),
      orgRole: identity.role,
    };
    const decision = decidePluginProxyRequest({
      pluginId: this.options.plugin.id,
      routes: this.options.plugin.routes ?? [],
      method: req.method ?? 'GET',
      proxyPath,
      caller,
      settings: this.settings,
      // The app has a setting only in its own org; checkAppEnabled looks in the caller's.
      appSetting: identity.orgId !== this.orgId ? 'missing' : this.appEnabled ? 'enabled' : 'disabled',
    });
    if (decision.outcome === 'refused') return json(res, decision.status, { message: decision.message });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name)) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    // proxyutil wrapDirector: the header the caller authenticated with is removed.
    delete headers['authorization'];
    // pluginproxy.go director: cookies dropped.
    delete headers['cookie'];
    delete headers['set-cookie'];
    // proxyutil.ApplyUserHeader: always removed, then set to the login for a user with send_user_header.
    delete headers['x-grafana-user'];
    if (this.options.sendUserHeader && identity.type === 'user')
      headers['x-grafana-user'] = identity.user.login;
    // proxyutil.ApplyForwardIDHeader: set only when the identity has a token (idForwarding on); note that it
    // does not remove one the client sent, so with the toggle off a client's X-Grafana-Id passes through.
    if (this.options.idForwarding) headers['x-grafana-id'] = await this.key.sign(this.claimsOf(identity));
    // pluginproxy utils.go addHeaders: route headers rendered and set.
    for (const [name, value] of decision.headers) headers[name.toLowerCase()] = value;
    // proxyutil PrepareProxyRequest: Referer moved to X-Grafana-Referer; Origin and X-Forwarded-Host/Port/
    // Proto removed; X-Forwarded-For extended with the client's address.
    headers['x-grafana-referer'] = headers['referer'] ?? '';
    for (const name of ['origin', 'referer', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-proto'])
      delete headers[name];
    const remote = req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = headers['x-forwarded-for']
      ? `${headers['x-forwarded-for']}, ${remote}`
      : remote;
    // Sent as Go sends it: the path as built, so `..` that reached it escaped (`%2e%2e`, unescaped by the route
    // tree's `*`) is sent as `..` (a WHATWG URL would resolve it).
    const origin = new URL(decision.target);
    const path = decision.target.slice(origin.origin.length) + search;
    this.forwarded.push({ method: req.method ?? 'GET', url: origin.origin + path, headers: { ...headers } });
    await new Promise<void>((resolve) => {
      const options = { hostname: origin.hostname, port: origin.port, path, method: req.method, headers };
      const upstream = httpRequest(options, (answer) => {
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value === undefined || HOP_BY_HOP.has(name)) continue;
          out[name] = value;
        }
        // proxyutil modifyResponse: Set-Cookie removed, `Content-Security-Policy: sandbox` added.
        delete out['set-cookie'];
        out['content-security-policy'] = 'sandbox';
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', () => {
          res.destroy();
          resolve();
        });
      });
      // proxyutil errorHandler: an unreachable upstream is 502 (a timeout would be 504).
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502).end();
        else res.destroy();
        resolve();
      });
      req.pipe(upstream);
    });
  }
}

function avatar(user: UserRecord): string {
  return `/avatar/${user.uid}`;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
