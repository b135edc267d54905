import nodemailer from 'nodemailer';
import { UpstreamError } from '../../domain-errors';

/** One mail to send. */
export interface Mail {
  /** Exactly one address, already checked with `recipientProblem`; also the envelope's only recipient. */
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly attachment?: { readonly filename: string; readonly path: string; readonly contentType: string };
  /** More files, from a path or given whole, e.g. the export's signed manifest. */
  readonly attachments?: ReadonlyArray<
    { readonly filename: string; readonly contentType: string } & (
      { readonly path: string } | { readonly content: string }
    )
  >;
}

/** Sends mail; failures are UpstreamError('smtp', ..., retryable). */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** Options of {@link SmtpMailer}. */
export interface SmtpMailerOptions {
  /** How long to wait for a connection and for the server's greeting, in ms. The default value is 10000. */
  readonly connectTimeoutMs?: number;
  /** How long the connection may stay silent, in ms. The default value is 60000. */
  readonly socketTimeoutMs?: number;
}

/** Mailer over SMTP with nodemailer. */
export class SmtpMailer implements Mailer {
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    options: SmtpMailerOptions = {}
  ) {
    // nodemailer waits two minutes for a connection by default; a server that is down should fail fast and be
    // tried again later instead.
    const connect = options.connectTimeoutMs ?? 10_000;
    this.transport = nodemailer.createTransport({
      url: smtpUrl,
      connectionTimeout: connect,
      greetingTimeout: connect,
      socketTimeout: options.socketTimeoutMs ?? 60_000,
    });
  }

  async send(mail: Mail): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.from,
        to: mail.to,
        // The envelope names the one recipient itself, so nothing in a header can add another.
        envelope: { from: this.from, to: [mail.to] },
        subject: mail.subject,
        text: mail.text,
        attachments: [...(mail.attachment ? [mail.attachment] : []), ...(mail.attachments ?? [])].map(
          (a) => ({
            ...a,
          })
        ),
      });
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      // 5xx SMTP replies are permanent (bad recipient); everything else may pass on a later try.
      throw new UpstreamError(
        'smtp',
        `could not send mail: ${(error as Error).message}`,
        !(code && code >= 500),
        code
      );
    }
  }
}
