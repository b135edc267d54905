/** Which Grafana org (or Grafana Cloud stack) the app is configured for. */
export interface GrafanaOrg {
  /** `GRAFANA_ORG_ID`; the org of the service account token too. */
  readonly orgId: number;
  /** `GRAFANA_STACK_ID` on Grafana Cloud. */
  readonly stackId?: number;
}

/**
 * The `namespace` claim Grafana writes into ID tokens for this org: `default` for org 1, `org-<id>` for the
 * others, `stacks-<id>` on a Cloud stack (grafana/authlib `types/namespace.go` `OrgNamespaceFormatter`,
 * `CloudNamespaceFormatter`; grafana/grafana `GetNamespaceMapper`).
 */
export function namespaceOf(org: GrafanaOrg): string {
  if (org.stackId !== undefined) return `stacks-${org.stackId}`;
  return org.orgId === 1 ? 'default' : `org-${org.orgId}`;
}

/** The `aud` Grafana gives ID tokens of this org (`idimpl/service.go` `getAudience`: `org:<orgId>`). */
export function audienceOf(org: GrafanaOrg): string {
  return `org:${org.orgId}`;
}
