// A script action's `env`: extra variables whose values are Liquid templates over the
// envelope, with a real child process. Payload text reaches the script there, never on its
// command line; an id beyond 2^53 keeps its digits; names starting with HOOKDOCK_ are refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../shared/config';
import { makeTempDir, removeDir } from '../helpers/tmp';
import { allSettled, script, startHarness, storedEvent, type Harness } from './automations-harness';

let dir: string;
let h: Harness | undefined;

beforeEach(async () => {
  dir = await makeTempDir('hookdock-script-env-');
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  await removeDir(dir);
});

const order = () => {
  const text = '{"id":820982911946154508,"customer":{"first_name":"Zoë; rm -rf ~"}}';
  return storedEvent({
    source: 'shop',
    provider: 'shopify',
    type: 'orders/create',
    body: { text },
    payload: JSON.parse(text),
  });
};

describe('script env templates', () => {
  it('fills the variables from the event; the command line stays as configured', async () => {
    h = await startHarness(dir, {
      automations: [
        {
          id: 'env',
          source: 'shop',
          events: ['orders/create'],
          action: {
            kind: 'script',
            command: script('env-report.mjs'),
            args: ['--fixed'],
            env: { ORDER_ID: '{{ payload.id }}', CUSTOMER: 'Dear {{ payload.customer.first_name }}' },
          },
          retry: { schedule: [] },
        },
      ],
      tunnel: { provider: 'none' },
    });
    const event = await h.fire(order());
    const [run] = await h.waitRun(event.id, allSettled);
    expect(run.status).toBe('succeeded');
    const line = run.attempts[0].stdout.trim().split('\n').pop()!;
    expect(JSON.parse(line)).toEqual({
      ORDER_ID: '820982911946154508',
      CUSTOMER: 'Dear Zoë; rm -rf ~',
      HOOKDOCK_EVENT_ID: event.id,
      argv: ['--fixed'],
    });
  });

  it('refuses a HOOKDOCK_ name, a bad name and a template that does not parse, naming the field', () => {
    const parse = (env: Record<string, string>) =>
      configSchema.safeParse({
        automations: [{ id: 'a', source: '*', events: ['*'], action: { kind: 'script', command: '/x', env } }],
      });
    const bad: Record<string, string>[] = [{ HOOKDOCK_EVENT_ID: 'x' }, { '1BAD': 'x' }, { GOOD: '{{ payload.id ' }];
    for (const env of bad) {
      const r = parse(env);
      expect(r.success, JSON.stringify(env)).toBe(false);
      expect(r.error!.issues.some((i) => i.path.join('.').startsWith('automations.0.action.env'))).toBe(true);
    }
    expect(parse({ ORDER_ID: '{{ payload.id }}' }).success).toBe(true);
  });
});
