import type { ExportJob, ExportRequest } from '@auditlens/contract';
import type { ParsedMail } from 'mailparser';
import { readZipEntries } from './xlsx-reader';
import { SERVICE_SECRET } from './service-process';

/** Calls the service's API as Grafana's proxy would for a signed-in user. */
export class ServiceClient {
  constructor(private readonly url: string) {}

  /** Headers of a request Grafana proxies for `login`. */
  static headers(login: string): Record<string, string> {
    return { 'X-AuditLens-Secret': SERVICE_SECRET, 'X-Grafana-User': login };
  }

  /** Asks for a grant on the read route, then queues the export with it; fails unless it is accepted. */
  async createExport(login: string, order: Omit<ExportRequest, 'grant'>): Promise<ExportJob> {
    const grant = await fetch(`${this.url}/api/v1/logs/access/export-grants`, {
      method: 'POST',
      headers: ServiceClient.headers(login),
    });
    if (grant.status !== 200) throw new Error(`grant refused: ${grant.status} ${await grant.text()}`);
    const res = await fetch(`${this.url}/api/v1/exports`, {
      method: 'POST',
      headers: { ...ServiceClient.headers(login), 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...order, grant: ((await grant.json()) as { grant: string }).grant }),
    });
    if (res.status !== 202) throw new Error(`export refused: ${res.status} ${await res.text()}`);
    return (await res.json()) as ExportJob;
  }

  /** One of the user's exports. */
  async job(login: string, id: string): Promise<ExportJob> {
    const res = await fetch(`${this.url}/api/v1/exports/${id}`, { headers: ServiceClient.headers(login) });
    if (res.status !== 200) throw new Error(`export ${id}: ${res.status} ${await res.text()}`);
    return (await res.json()) as ExportJob;
  }

  /** Polls the export until `done(job)` holds; fails after `timeoutMs` showing the last state. */
  async waitForJob(
    login: string,
    id: string,
    done: (job: ExportJob) => boolean,
    timeoutMs = 120_000,
    everyMs = 50
  ): Promise<ExportJob> {
    const deadline = Date.now() + timeoutMs;
    let last: ExportJob | undefined;
    for (;;) {
      last = await this.job(login, id).catch(() => last);
      if (last && done(last)) return last;
      if (Date.now() > deadline)
        throw new Error(`export ${id} did not get there in time: ${JSON.stringify(last)}`);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
}

/** The event ids in the CSV attached to a mail (the last column), in file order; a zipped CSV is unzipped. */
export async function eventIdsOf(mail: ParsedMail): Promise<string[]> {
  const attachment = mail.attachments[0];
  if (!attachment) return [];
  const csv = attachment.filename?.endsWith('.zip')
    ? [...(await readZipEntries(attachment.content)).values()][0]!
    : attachment.content.toString('utf8');
  return [...csv.matchAll(/,([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\r\n/g)].map(
    (m) => m[1]!
  );
}
