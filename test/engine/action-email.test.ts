// The email action against a REAL SMTP server (the `smtp-server` package) on 127.0.0.1 port 0,
// through the real automations service: the message arrives rendered with non-ASCII intact;
// a wrong password is a failed attempt with a sentence (and no password); a refused connection
// is retried.
import { createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../shared/config';
import { makeTempDir, removeDir } from '../helpers/tmp';
import { allSettled, startHarness, storedEvent, type Harness } from './automations-harness';

const PASSWORD = 'p4ss-w0rd-Ünïcode-123';

let dir: string;
let h: Harness | undefined;
let smtp: Smtp | undefined;

beforeEach(async () => {
  dir = await makeTempDir('hookdock-email-');
});
afterEach(async () => {
  await h?.close();
  await smtp?.close();
  h = undefined;
  smtp = undefined;
  await removeDir(dir);
});

interface Smtp {
  port: number;
  messages: { from: string; to: string[]; raw: string }[];
  authTries: number;
  close(): Promise<void>;
}

async function startSmtp(): Promise<Smtp> {
  const state = { messages: [] as Smtp['messages'], authTries: 0 };
  const server = new SMTPServer({
    // Plain SMTP on loopback: no certificate to trust, sign-in allowed without TLS.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      state.authTries++;
      if (auth.username === 'owner' && auth.password === PASSWORD) cb(null, { user: 'owner' });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        state.messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    get messages() {
      return state.messages;
    },
    get authTries() {
      return state.authTries;
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

/** RFC 2047 encoded words (=?UTF-8?Q?..?= / ?B?), as a mail client shows them. */
function decodeWords(value: string): string {
  const joined = value.replace(/\?=\s+=\?/g, '?==?');
  return joined.replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : decodeQp(text.replace(/_/g, ' ')),
  );
}

/** Quoted-printable (RFC 2045 §6.7) to UTF-8 text. */
function decodeQp(text: string): string {
  const bytes: number[] = [];
  const soft = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    const m = /^=([0-9A-F]{2})/i.exec(soft.slice(i, i + 3));
    if (m) {
      bytes.push(parseInt(m[1], 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The subject and the text body of a raw message (one text part, as the action sends). */
function parseMessage(raw: string): { subject: string; text: string } {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(unfolded)?.[1] ?? '';
  const body = rest.join('\r\n\r\n');
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text =
    encoding === 'quoted-printable'
      ? decodeQp(body)
      : encoding === 'base64'
        ? Buffer.from(body, 'base64').toString('utf8')
        : body;
  return { subject: decodeWords(header('Subject')), text: text.replace(/\r\n/g, '\n').replace(/\n$/, '') };
}

const BODY =
  '{"id":820982911946155508,"total_price":"199.00","customer":{"first_name":"Zoë","email":"zoe@example.com"}}';
const shopifyOrder = () =>
  storedEvent({
    source: 'shop',
    provider: 'shopify',
    type: 'orders/create',
    headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create' },
    body: { text: BODY },
    payload: JSON.parse(BODY),
  });

const config = (port: number, password: string, retry: unknown): ConfigInput =>
  ({
    automations: [
      {
        id: 'mail-me',
        source: 'shop',
        events: ['orders/*'],
        action: {
          kind: 'email',
          smtp: { host: '127.0.0.1', port, secure: false, user: 'owner', password },
          from: 'Hookdock <hookdock@example.com>',
          to: 'owner@example.com',
          subject: 'Nouvelle commande {{ payload.id }} de {{ payload.customer.first_name }} ☕',
          body: 'Bonjour !\nCommande {{ payload.id }} — {{ payload.total_price }} €, client {{ payload.customer.first_name }}.',
        },
        retry,
      },
    ],
    tunnel: { provider: 'none' },
  }) as ConfigInput;

describe('the email action', () => {
  it('sends the rendered message, non-ASCII intact, and records the server message id', async () => {
    smtp = await startSmtp();
    h = await startHarness(dir, config(smtp.port, PASSWORD, { schedule: [] }));
    const event = await h.fire(shopifyOrder());
    const [run] = await h.waitRun(event.id, allSettled);
    expect(run.attempts[0].error).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(run.attempts[0].kind).toBe('email');
    expect(smtp.messages).toHaveLength(1);
    const [msg] = smtp.messages;
    expect(msg.from).toBe('hookdock@example.com');
    expect(msg.to).toEqual(['owner@example.com']);
    const { subject, text } = parseMessage(msg.raw);
    expect(subject).toBe('Nouvelle commande 820982911946155508 de Zoë ☕');
    expect(text).toBe('Bonjour !\nCommande 820982911946155508 — 199.00 €, client Zoë.');
    const result = run.attempts[0].result as { messageId: string; accepted: string[] };
    expect(result.accepted).toEqual(['owner@example.com']);
    expect(msg.raw).toContain(`Message-ID: ${result.messageId}`);
  });

  it('a wrong password is a failed attempt with a sentence to act on, never the password', async () => {
    smtp = await startSmtp();
    const wrong = 'wrong-' + PASSWORD;
    h = await startHarness(dir, config(smtp.port, wrong, { schedule: [] }));
    const event = await h.fire(shopifyOrder());
    const [run] = await h.waitRun(event.id, allSettled);
    expect(run.status).toBe('failed');
    expect(smtp.authTries).toBe(1);
    expect(smtp.messages).toHaveLength(0);
    expect(run.attempts[0].error).toMatch(/refused the user name or password: check the SMTP user and password/);
    expect(JSON.stringify(run)).not.toContain(wrong);
    expect(JSON.stringify(h.pushed)).not.toContain(wrong);
  });

  it('a refused connection is a failed attempt, retried up to maxAttempts', async () => {
    const port = await closedPort();
    h = await startHarness(dir, config(port, PASSWORD, { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 20 }));
    const event = await h.fire(shopifyOrder());
    const [run] = await h.waitRun(event.id, allSettled);
    expect(run.status).toBe('failed');
    expect(run.attempts).toHaveLength(3);
    for (const a of run.attempts) expect(a.error).toMatch(/connection refused.*tried again/);
    expect(JSON.stringify(run)).not.toContain(PASSWORD);
  });
});
