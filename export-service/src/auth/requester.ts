/** The Grafana user a request is made for, as established by the service (never from the body). */
export interface Requester {
  /** Grafana login. */
  readonly login: string;
  /** From Grafana's user lookup. Exports go only here. */
  readonly email: string;
  readonly name: string;
}
