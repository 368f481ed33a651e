// The only file that touches the @ngrok/ngrok SDK. It turns one connection
// attempt into a plain promise of { url, close }, and forwards the SDK's
// disconnection and heartbeat callbacks; everything about retrying, timing out
// and state lives in machine.ts, which never sees the SDK.
//
// SessionBuilder rather than forward(): forward() keeps sessions in a global
// registry (reused across calls, torn down by kill()), while a session of our
// own can be abandoned and closed on its own when an attempt hangs.

/** The part of the SDK we use; tests hand in a fake with the same shape. */
export interface NgrokLike {
  SessionBuilder: new () => NgrokSessionBuilder;
}

export interface NgrokSessionBuilder {
  authtoken(token: string): NgrokSessionBuilder;
  serverAddr(addr: string): NgrokSessionBuilder;
  clientInfo(clientType: string, version: string, comments?: string | null): NgrokSessionBuilder;
  handleDisconnection(handler: (addr: string, error: string) => boolean): NgrokSessionBuilder;
  handleHeartbeat(handler: (latency: number) => void): NgrokSessionBuilder;
  connect(): Promise<NgrokSession>;
}

export interface NgrokSession {
  httpEndpoint(): NgrokHttpEndpoint;
  close(): Promise<void>;
}

export interface NgrokHttpEndpoint {
  domain(domain: string): NgrokHttpEndpoint;
  forwardsTo?(forwardsTo: string): NgrokHttpEndpoint;
  metadata?(metadata: string): NgrokHttpEndpoint;
  listenAndForward(toUrl: string): Promise<NgrokListener>;
}

export interface NgrokListener {
  url(): string | null;
  close(): Promise<void>;
}

export interface ConnectRequest {
  /** Where ngrok forwards to: the receiver, e.g. http://127.0.0.1:8787. Never the dashboard. */
  addr: string;
  authtoken: string;
  domain: string | null;
  /** A custom agent ingress (tests point it at a local listener). */
  serverAddr: string | null;
  /** Follow mode: also open a second endpoint (ngrok picks its URL) forwarding here, e.g. http://127.0.0.1:8790. */
  followAddr?: string | null;
  version: string;
  /** The SDK lost its session; it reconnects by itself, this only reports it. */
  onDisconnect(reason: string): void;
  /** A heartbeat answer arrived: the session is alive. */
  onAlive(): void;
}

export interface TunnelConnection {
  url: string;
  /** The listener's URL now (it may change after the SDK reconnects on its own). */
  currentUrl(): string | null;
  /** The follow endpoint's URL now, when one was asked for. */
  followUrl?(): string | null;
  close(): Promise<void>;
}

export type Connector = (req: ConnectRequest) => Promise<TunnelConnection>;

/** Loads the real SDK lazily, so a missing native module only fails the tunnel, not the engine. */
export async function loadNgrok(): Promise<NgrokLike> {
  const mod = (await import('@ngrok/ngrok')) as unknown as NgrokLike & { default?: NgrokLike };
  return mod.SessionBuilder ? mod : (mod.default as NgrokLike);
}

export function createNgrokConnector(load: () => Promise<NgrokLike>): Connector {
  return async (req) => {
    const ngrok = await load();
    let builder = new ngrok.SessionBuilder()
      .authtoken(req.authtoken)
      .clientInfo('hookdock', req.version || '0.0.0')
      // true: let the SDK reconnect (and re-bind the same URL) by itself; the
      // machine watches that it comes back, and takes over if it does not.
      .handleDisconnection((_addr, error) => {
        req.onDisconnect(error);
        return true;
      })
      .handleHeartbeat(() => req.onAlive());
    if (req.serverAddr) builder = builder.serverAddr(req.serverAddr);
    const session = await builder.connect();
    try {
      let endpoint = session.httpEndpoint();
      if (req.domain) endpoint = endpoint.domain(req.domain);
      if (endpoint.forwardsTo) endpoint = endpoint.forwardsTo(req.addr);
      const listener = await endpoint.listenAndForward(req.addr);
      const url = listener.url();
      if (!url) throw new Error('ngrok gave no public URL for the tunnel');
      // The follow port gets its own endpoint in the same session: never the receiver's URL,
      // so the receiver port keeps serving webhooks only (invariant 5).
      let follow: NgrokListener | null = null;
      if (req.followAddr) {
        let fe = session.httpEndpoint();
        if (fe.forwardsTo) fe = fe.forwardsTo(req.followAddr);
        follow = await fe.listenAndForward(req.followAddr);
      }
      return {
        url,
        currentUrl: () => listener.url(),
        ...(follow ? { followUrl: () => follow.url() } : {}),
        close: async () => {
          await Promise.all([listener.close().catch(() => undefined), follow?.close().catch(() => undefined)]);
          await session.close();
        },
      };
    } catch (err) {
      void session.close().catch(() => undefined);
      throw err;
    }
  };
}
