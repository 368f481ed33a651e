// A tiny TCP forwarder on 127.0.0.1 standing in for the owner's own tunnel or
// reverse proxy: it forwards to the receiver, or, after drop(), cuts every
// connection (open ones too), like a tunnel that went away; restore() forwards again.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface Forwarder {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Where to forward; connections that arrive before it is set wait for it. */
  setTarget(port: number): void;
  /** From now on every connection is cut at once. */
  drop(): void;
  /** Connections cut since drop(). */
  dropped(): number;
  /** Forwards again after drop() (the network came back). */
  restore(): void;
  close(): Promise<void>;
}

export async function startForwarder(): Promise<Forwarder> {
  let target: number | null = null;
  let waiting: (() => void)[] = [];
  let dropping = false;
  let cut = 0;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => undefined);
    const connect = () => {
      if (dropping || client.destroyed) {
        cut++;
        client.destroy();
        return;
      }
      const upstream = createConnection({ host: '127.0.0.1', port: target! });
      open.add(upstream);
      upstream.on('close', () => open.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
    };
    if (target === null) waiting.push(connect);
    else connect();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    setTarget(p) {
      target = p;
      for (const go of waiting.splice(0)) go();
    },
    drop() {
      dropping = true;
      for (const s of open) s.destroy();
      for (const go of waiting.splice(0)) go();
      waiting = [];
    },
    dropped: () => cut,
    restore() {
      dropping = false;
    },
    close: () =>
      new Promise<void>((ok) => {
        for (const s of open) s.destroy();
        server.close(() => ok());
      }),
  };
}
