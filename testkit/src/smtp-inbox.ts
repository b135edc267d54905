import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

/**
 * A real SMTP server (`smtp-server`) on 127.0.0.1 that keeps every message it accepts, parsed with `mailparser`:
 * the mail catcher of the export service's and the stack's tests.
 */
export class SmtpInbox {
  readonly messages: ParsedMail[] = [];
  /** The envelope recipients (RCPT TO) of each accepted message, in the order of `messages`. */
  readonly recipients: string[][] = [];
  /** Refuse the next N messages with a temporary error (421), as a server that is down would. */
  refuseNext = 0;
  private readonly server: SMTPServer;

  private constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (this.refuseNext > 0) {
            this.refuseNext -= 1;
            const error = Object.assign(new Error('service not available, try later'), { responseCode: 421 });
            callback(error);
            return;
          }
          const rcptTo = session.envelope.rcptTo.map((r) => r.address);
          simpleParser(Buffer.concat(chunks))
            .then((mail) => {
              this.messages.push(mail);
              this.recipients.push(rcptTo);
              callback();
            })
            .catch(callback);
        });
      },
    });
  }

  /** Starts an inbox on a free loopback port, or on `port` (a mail server coming back where it was). */
  static async start(port = 0): Promise<SmtpInbox> {
    const inbox = new SmtpInbox();
    await new Promise<void>((resolve, reject) => {
      inbox.server.server.once('error', reject);
      inbox.server.listen(port, '127.0.0.1', resolve);
    });
    return inbox;
  }

  /** The port it listens on. */
  get port(): number {
    return (this.server.server.address() as AddressInfo).port;
  }

  /** `smtp://127.0.0.1:<port>`, as the export service's `SMTP_URL` takes it. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** `127.0.0.1:<port>`, as Alertmanager's `smtp_smarthost` takes it. */
  get hostPort(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
