import nodemailer from 'nodemailer';
import { UpstreamError } from '../errors';

/** One mail to send. */
export interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly attachment?: { readonly filename: string; readonly path: string; readonly contentType: string };
  /** More files, e.g. the export's signed manifest. */
  readonly attachments?: ReadonlyArray<{
    readonly filename: string;
    readonly path: string;
    readonly contentType: string;
  }>;
}

/** Sends mail; failures are UpstreamError('smtp', ..., retryable). */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** Mailer over SMTP with nodemailer. */
export class SmtpMailer implements Mailer {
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;

  constructor(
    smtpUrl: string,
    private readonly from: string
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(mail: Mail): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.from,
        to: mail.to,
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
