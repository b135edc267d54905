import type { ApiError } from '@auditlens/contract';

/** A readable message from whatever backendSrv or fetch threw: the service's `error`, or the status. */
export function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as { data?: Partial<ApiError> & { message?: string }; status?: number; message?: string };
    const issues = e.data?.issues?.map((i) => `${i.field}: ${i.message}`).join('; ');
    const text = e.data?.error ?? e.data?.message ?? e.message;
    if (text) return issues ? `${text} (${issues})` : text;
    if (e.status === 403) return 'Grafana denied the request: your role lacks the permission for it.';
    if (e.status) return `The request failed with status ${e.status}.`;
  }
  return 'The request failed.';
}
