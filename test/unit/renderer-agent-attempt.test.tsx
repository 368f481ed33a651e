// @vitest-environment happy-dom
// An agent action's attempts in the event page's run card: the reply as text (an
// HTML-looking reply is not rendered as HTML), the model and token usage, and a
// failed attempt's sentence instead of a script's exit code.
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentAttemptResult } from '../../shared/actions';
import type { Attempt, Run } from '../../shared/types';
import { RunCard } from '../../renderer/views/event/RunCard';

afterEach(cleanup);

const at = (m: number) => new Date(2026, 10, 30, 14, m, 0).toISOString();
const attempt = (n: number, error: string | null, result: AgentAttemptResult): Attempt => ({
  attempt: n,
  startedAt: at(n),
  finishedAt: at(n),
  exitCode: null,
  signal: null,
  error,
  stdout: '',
  stderr: '',
  truncated: false,
  kind: 'agent',
  result,
});

const run: Run = {
  id: 'run_1',
  eventId: 'evt_1',
  automationId: 'ask',
  status: 'succeeded',
  nextAttemptAt: null,
  createdAt: at(0),
  attempts: [
    attempt(1, 'The AI endpoint failed (HTTP 500); Hookdock will try again.', {
      model: 'llama3.2',
      status: 500,
      reply: null,
      truncated: false,
      usage: null,
    }),
    attempt(2, null, {
      model: 'llama3.2',
      status: 200,
      reply: 'Dear Zoë, <b>sorry</b> for the wait.',
      truncated: true,
      usage: { promptTokens: 42, completionTokens: 7, totalTokens: 49 },
    }),
  ],
} as Run;

describe('an agent run in the run card', () => {
  it('shows the reply as text with its model and usage, and the failed attempt as a sentence', () => {
    const view = render(<RunCard run={run} automationName="Ask my agent" live={new Map()} />);
    const reply = view.getByLabelText('Reply of attempt 2');
    expect(reply.textContent).toBe('Dear Zoë, <b>sorry</b> for the wait.');
    expect(reply.querySelector('b')).toBeNull();
    expect(view.getByText('Answered by llama3.2')).toBeTruthy();
    expect(view.getByText('llama3.2 · 42 tokens in, 7 out')).toBeTruthy();
    expect(view.getByText('The reply was long, so only its start is kept.')).toBeTruthy();
    const first = view.container.querySelector('[data-attempt="1"]')!;
    expect(first.className).toContain('is-bad');
    expect(first.textContent).toContain('The AI endpoint failed (HTTP 500); Hookdock will try again.');
    expect(first.textContent).not.toContain('exit code');
    expect(view.container.querySelector('[data-attempt="2"]')!.className).toContain('is-ok');
  });
});
