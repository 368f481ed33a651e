// Follow mode, server side: with the follow port on, the ngrok session gets a second
// endpoint for it (a fake ngrok module stands in for the ngrok cloud).
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../shared/config';
import { createTunnel } from '../../electron/engine/tunnel';
import type { NgrokLike } from '../../electron/engine/tunnel/ngrokAdapter';
import { createBus } from '../../electron/engine/util/bus';
import { memoryLogger } from '../../electron/engine/util/logger';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

/** Each endpoint gets its own URL; what each forwards to and what was closed is logged. */
function fakeNgrok() {
  const log = { forwards: [] as string[], closed: [] as string[] };
  let n = 0;
  class SessionBuilder {
    authtoken() {
      return this;
    }
    serverAddr() {
      return this;
    }
    clientInfo() {
      return this;
    }
    handleDisconnection() {
      return this;
    }
    handleHeartbeat() {
      return this;
    }
    async connect() {
      return {
        httpEndpoint: () => {
          const url = `https://endpoint-${++n}.ngrok.app`;
          const endpoint = {
            domain: () => endpoint,
            async listenAndForward(to: string) {
              log.forwards.push(to);
              return { url: () => url, close: async () => void log.closed.push(url) };
            },
          };
          return endpoint;
        },
        close: async () => undefined,
      };
    }
  }
  return { ngrok: { SessionBuilder } as unknown as NgrokLike, log };
}

function tunnelWith(followPort: number | undefined) {
  const fake = fakeNgrok();
  const config = configSchema.parse({ tunnel: { provider: 'ngrok', authtoken: 'tok_1', domain: null } });
  const tunnel = createTunnel({
    bus: createBus(),
    logger: memoryLogger(),
    receiverPort: () => 48787,
    followPort: followPort === undefined ? undefined : () => followPort,
    getConfig: () => config,
    ngrok: fake.ngrok,
  });
  stops.push(() => tunnel.stop());
  return { tunnel, fake };
}

async function online(t: ReturnType<typeof tunnelWith>['tunnel']): Promise<void> {
  while (t.status().state !== 'online') await new Promise((r) => setTimeout(r, 10));
}

describe('tunnel: the follow endpoint', () => {
  it('opens a second endpoint in the same session forwarding to the follow port', async () => {
    const { tunnel, fake } = tunnelWith(48790);
    tunnel.start();
    await online(tunnel);
    expect(fake.log.forwards).toEqual(['http://127.0.0.1:48787', 'http://127.0.0.1:48790']);
    expect(tunnel.publicUrl()).toBe('https://endpoint-1.ngrok.app');
    expect(tunnel.followUrl?.()).toBe('https://endpoint-2.ngrok.app');
    await tunnel.stop();
    expect(fake.log.closed.sort()).toEqual(['https://endpoint-1.ngrok.app', 'https://endpoint-2.ngrok.app']);
    expect(tunnel.followUrl?.()).toBeNull();
  });

  it('opens only the receiver endpoint when follow mode is off', async () => {
    const { tunnel, fake } = tunnelWith(undefined);
    tunnel.start();
    await online(tunnel);
    expect(fake.log.forwards).toEqual(['http://127.0.0.1:48787']);
    expect(tunnel.followUrl?.()).toBeNull();
  });
});
