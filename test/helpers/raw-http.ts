// HTTP/1.1 by hand over a real TCP socket, for the edges fetch() cannot reach:
// half-closing after the request, Expect: 100-continue, pipelining, stalling.
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawConnection {
  socket: net.Socket;
  /** Everything the server sent so far, as latin1 text. */
  received(): string;
  /** Resolves once the server has sent at least `n` complete responses (1xx included), parsed. */
  responses(n: number): Promise<RawResponse[]>;
  /** Resolves when the socket is closed (by either side). */
  closed: Promise<void>;
}

/**
 * Parses every complete response in `text`: one with a Content-Length (or 1xx / 204 / 304), or,
 * once the connection is `closed`, one without (its body runs to the end).
 */
export function parseResponses(text: string, closed = false): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = text;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return out;
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1]);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const length = status < 200 || status === 204 || status === 304 ? 0 : Number(headers['content-length'] ?? NaN);
    if (!Number.isFinite(length)) {
      if (closed) out.push({ status, headers, body: rest.slice(end + 4) });
      return out;
    }
    const bodyStart = end + 4;
    if (rest.length < bodyStart + length) return out;
    out.push({ status, headers, body: rest.slice(bodyStart, bodyStart + length) });
    rest = rest.slice(bodyStart + length);
  }
}

/** Opens a connection to 127.0.0.1:port; resolves once connected. */
export function connect(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    const waiters: (() => void)[] = [];
    const wake = () => {
      for (const w of waiters.splice(0)) w();
    };
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      wake();
    });
    const closed = new Promise<void>((ok) => socket.once('close', () => ok()));
    void closed.then(wake);
    socket.on('error', () => {}); // a reset shows as `closed`
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => text,
        closed,
        responses: (n) =>
          new Promise((ok, fail) => {
            const check = () => {
              const got = parseResponses(text, socket.destroyed);
              if (got.length >= n) ok(got);
              else if (socket.destroyed) fail(new Error(`connection closed after ${got.length} responses: ${text}`));
              else waiters.push(check);
            };
            check();
          }),
      }),
    );
    socket.once('error', reject);
  });
}

/** The head of a POST request, ending in the blank line. */
export function requestHead(path: string, headers: Record<string, string | number>): string {
  const lines = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return lines.join('\r\n') + '\r\n\r\n';
}
