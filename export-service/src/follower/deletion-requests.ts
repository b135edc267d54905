import { z } from 'zod';

/** A delete request as Loki's compactor lists it (`GET /loki/api/v1/delete`), times in ms since the epoch. */
export interface DeletionRequest {
  readonly requestId: string;
  readonly query: string;
  readonly startMs: number;
  readonly endMs: number;
  /** `received` until the compactor applied it to the stored chunks, then `processed`. */
  readonly status: string;
  readonly createdAtMs: number;
}

// Loki 3.7 encodes each request (`deletionproto.DeleteRequest`, pkg/compactor/deletion/deletionproto/types.pb.go)
// with JSON names request_id, start_time, end_time, query, status, created_at; the times are prometheus
// `model.Time`, written as seconds with three decimals (a JSON number).
const listSchema = z.array(
  z.object({
    request_id: z.string(),
    query: z.string(),
    start_time: z.number(),
    end_time: z.number(),
    status: z.string(),
    created_at: z.number(),
  })
);

/** Parses the body of `GET /loki/api/v1/delete`. */
export function parseDeletionRequests(body: unknown): DeletionRequest[] {
  return listSchema.parse(body).map((r) => ({
    requestId: r.request_id,
    query: r.query,
    startMs: Math.round(r.start_time * 1000),
    endMs: Math.round(r.end_time * 1000),
    status: r.status,
    createdAtMs: Math.round(r.created_at * 1000),
  }));
}

/**
 * Lists the delete requests of Loki at `url` (served by its compactor: the `all`, `backend` and `compactor`
 * targets), as tenant `tenant` when set. Needs retention enabled in Loki (else Loki answers 400, and so does this).
 */
export async function listDeletionRequests(
  url: string,
  options: { readonly tenant?: string; readonly signal?: AbortSignal } = {}
): Promise<DeletionRequest[]> {
  const answer = await fetch(`${url.replace(/\/+$/, '')}/loki/api/v1/delete`, {
    headers: options.tenant ? { 'X-Scope-OrgID': options.tenant } : {},
    signal: options.signal ?? AbortSignal.timeout(30_000),
  });
  if (!answer.ok)
    throw new Error(
      `Loki's delete request list answered ${answer.status}: ${(await answer.text()).slice(0, 200)}`
    );
  return parseDeletionRequests(await answer.json());
}

/**
 * The log types a delete request can touch: the one its selector names with `audit_log_type="..."`, or every one
 * of `all` when it names none, another matcher on that label, or one of `touchesAll` (the checkpoints' stream).
 */
export function logTypesOfDeletion<T extends string>(
  query: string,
  all: readonly T[],
  touchesAll: readonly string[] = []
): T[] {
  const selector = query.slice(0, query.indexOf('}') + 1);
  const named = /audit_log_type\s*=\s*"([^"\\]*)"/.exec(selector)?.[1];
  const other = /audit_log_type\s*(!=|=~|!~)/.test(selector);
  if (named === undefined || other || touchesAll.includes(named)) return [...all];
  return all.filter((t) => t === named);
}
