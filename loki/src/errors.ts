/**
 * A dependency (Loki, Grafana, SMTP) failed. `retryable` is false when retrying cannot help
 * (a 4xx from Loki: the query itself is wrong), true for timeouts, network errors and 5xx. Not an HTTP error:
 * the clients of Loki, Grafana and the mail server raise it, and the error middleware answers it 502.
 */
export class UpstreamError extends Error {
  constructor(
    readonly upstream: 'loki' | 'grafana' | 'smtp',
    message: string,
    readonly retryable: boolean,
    readonly upstreamStatus?: number
  ) {
    super(message);
    this.name = 'UpstreamError';
  }

  /**
   * Loki's 4xx text says what is wrong with the query and is kept; anything else (5xx bodies, network
   * errors, SMTP replies) may name hosts, ports or paths, so the client gets a plain sentence.
   */
  get publicMessage(): string {
    if (this.upstream === 'loki' && !this.retryable && this.upstreamStatus !== undefined) return this.message;
    if (this.upstream === 'loki') return 'Loki is not answering; try again in a moment';
    if (this.upstream === 'grafana') return 'Grafana is not answering; try again in a moment';
    return 'the mail server is not answering';
  }
}
