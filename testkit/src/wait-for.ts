/**
 * Waits until `condition` holds, checking every `intervalMs`; fails after `timeoutMs` (generous: test machines
 * are shared) with `what` in the message.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what = 'the condition',
  timeoutMs = 30_000,
  intervalMs = 10
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until `probe` answers a value (not undefined) and returns it; fails after `timeoutMs` naming `what`. */
export async function waitForValue<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
  intervalMs = 250
): Promise<T> {
  let value: T | undefined;
  await waitFor(async () => (value = await probe()) !== undefined, what, timeoutMs, intervalMs);
  return value!;
}
