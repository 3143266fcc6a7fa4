/**
 * Polls `check` until it holds; fails the test with `what` after `timeoutMs`. The default is a deadline,
 * not a claim about speed (a test that bounds a time says so): generous, because on a loaded 2-core
 * machine what takes milliseconds alone can take seconds (a werift peer's handshake took over 1.5 s).
 */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
