/** The Grafana user a request is made for, as established by the service (never from the body). */
export interface Requester {
  /**
   * The Grafana user's stable id (`user.uid`, the ID token's `identifier`). Jobs, grants and downloads belong
   * to it: a login can be renamed, and a freed login can be taken by someone else.
   */
  readonly uid: string;
  /** Grafana login, for messages and audit records. */
  readonly login: string;
  /** From the ID token or Grafana's user list. Exports go only here. */
  readonly email: string;
  readonly name: string;
}

/** The requester a stored job records; jobs queued before user ids were recorded have none. */
export type JobRequester = Omit<Requester, 'uid'> & { readonly uid: string | null };
