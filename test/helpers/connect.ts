// Connector tests' shared setup: a provider's fake API started before each test and closed
// after it, the ConnectorContext a test points at it, and the check that a call fails with
// the ConnectError an owner would read (never quoting the credential).
import { afterEach, beforeEach, expect } from 'vitest';
import { ConnectError, type ConnectorContext } from '../../electron/engine/connect/types';

/** One hour in milliseconds, for recovery spans and delivery times. */
export const HOUR = 3_600_000;

/** The gap Hookdock was away in the commerce connector tests: 4 hours from 2026-11-29 10:00 UTC, in epoch ms. */
export const GAP = { from: Date.parse('2026-11-29T10:00:00Z'), to: Date.parse('2026-11-29T14:00:00Z') };

/**
 * Starts a fake provider API (real HTTP on 127.0.0.1, a free port) before each test and closes it
 * after the test (a test may close it itself first: closing twice is harmless). `use` gets each
 * test's fake as soon as it listens, to keep it (and build the connector context pointing at it,
 * or register the tokens it accepts) in the test file.
 */
export function fakeApiPerTest<F extends { close(): Promise<void> }>(
  start: () => Promise<F>,
  use: (fake: F) => void,
): void {
  let fake: F | undefined;
  beforeEach(async () => {
    fake = await start();
    use(fake);
  });
  afterEach(() => fake?.close());
}

/**
 * A ConnectorContext maker: `base()` is read at each call (the fake of the running test), and
 * `over` replaces any of its fields (another account, another fetch) for that call only.
 */
export function contextMaker(base: () => ConnectorContext): (over?: Partial<ConnectorContext>) => ConnectorContext {
  return (over = {}) => ({ ...base(), ...over });
}

/**
 * Awaits `p`, which must reject with a ConnectError, and returns that error (its `message` is the
 * sentence an owner sees). With `credential` (a token or key as sent), also expects the message
 * not to contain it.
 */
export async function connectFailure(p: Promise<unknown>, credential?: string): Promise<ConnectError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectError);
  const c = err as ConnectError;
  if (credential !== undefined) expect(c.message).not.toContain(credential);
  return c;
}
