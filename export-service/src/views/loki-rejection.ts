import { InvalidInputError, UpstreamError } from '../domain-errors';

/**
 * A Loki 4xx (429 aside, which is Loki being busy) says what is wrong with the query the user asked for, so it
 * reaches the user as a 400 with Loki's reason rather than as a failing dependency (502). Other errors pass.
 */
export function lokiRejectionAsBadRequest(error: unknown): unknown {
  const status =
    error instanceof UpstreamError && error.upstream === 'loki' ? error.upstreamStatus : undefined;
  if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
    return new InvalidInputError(`Loki rejected the query: ${(error as UpstreamError).message}`);
  }
  return error;
}

/** Runs `read`, turning a Loki rejection into a 400 (see {@link lokiRejectionAsBadRequest}). */
export async function asUserQuery<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw lokiRejectionAsBadRequest(error);
  }
}
