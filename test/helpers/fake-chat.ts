// A local fake of an OpenAI-compatible chat-completions endpoint (node:http on
// 127.0.0.1 port 0), following the documented shapes: POST /v1/chat/completions
// with {model, messages}, answered {id, object, created, model, choices:[{index,
// message:{role, content}, finish_reason}], usage}; errors as {error:{message, type}}
// with their status (401, 429 with Retry-After, 500). Each request takes the next
// queued answer; with none queued it answers 200 with `reply`.
import { createServer, type IncomingHttpHeaders } from 'node:http';

export type FakeAnswer =
  | { status: 200; content: string }
  | { status: number; error: { message: string; type: string }; headers?: Record<string, string> }
  /** Accepts the request and never answers (a timeout). */
  | 'hang';

export interface ChatRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: { model: string; messages: { role: string; content: string }[] };
}

export interface FakeChat {
  /** The base URL the openai SDK is given, ending in /v1. */
  baseUrl: string;
  requests: ChatRequest[];
  answers: FakeAnswer[];
  /** The content of the default 200 answer. */
  reply: string;
  close(): Promise<void>;
}

export async function startFakeChat(): Promise<FakeChat> {
  const fake = { requests: [], answers: [], reply: 'Thanks, noted.' } as unknown as FakeChat;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'Unknown route', type: 'invalid_request_error' } }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest['body'];
      fake.requests.push({ path: req.url, headers: req.headers, body });
      const answer = fake.answers.shift() ?? { status: 200, content: fake.reply };
      if (answer === 'hang') return; // closed by close()
      if ('error' in answer) {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(JSON.stringify({ error: { ...answer.error, param: null, code: null } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-fake',
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: answer.content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
        }),
      );
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  fake.baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`;
  fake.close = () =>
    new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    });
  return fake;
}
