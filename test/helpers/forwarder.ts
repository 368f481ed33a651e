// A tiny TCP forwarder on 127.0.0.1 standing in for the owner's own tunnel or
// reverse proxy: it forwards to the receiver, or, after drop(), cuts every
// connection (open ones too), like a tunnel that went away; restore() forwards again.
// dropped() counts the requests that were cut: connections refused after drop(), and
// open ones cut while a request was waiting for its answer (an idle kept-alive one is
// not a failed request).
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface Forwarder {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Where to forward; connections that arrive before it is set wait for it. */
  setTarget(port: number): void;
  /** From now on every connection is cut at once. */
  drop(): void;
  /** Requests cut since drop(): new connections, and open ones still waiting for an answer. */
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
  /** Client connections whose request has not had its first answer byte yet. */
  const waitingForAnswer = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => {
      open.delete(client);
      waitingForAnswer.delete(client);
    });
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
      upstream.on('data', () => waitingForAnswer.delete(client));
      waitingForAnswer.add(client);
      client.pipe(upstream).pipe(client);
      // Listening only once piped: a 'data' listener starts the flow.
      client.on('data', () => waitingForAnswer.add(client));
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
      // Requests already forwarded and waiting for their answer are cut too (connections
      // still queued for a target are counted when connect() refuses them below).
      cut += waitingForAnswer.size;
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
