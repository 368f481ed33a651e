// The seams of issue #12 section 1: the action registry and the handler combiner
// refuse a repeated name; a legacy `run: {...}` is read as a script action; the
// event status rule lives once in shared/statuses.ts.
import { describe, expect, it } from 'vitest';
import { scriptActionSchema } from '../../shared/actions';
import { automationSchema, configSchema, describeIssues } from '../../shared/config';
import { eventStatusFor, mayRun, NEVER_RUNS } from '../../shared/statuses';
import type { RunStatus } from '../../shared/types';
import { createBuiltinActions } from '../../electron/engine/actions';
import { createActionRegistry } from '../../electron/engine/actions/registry';
import type { ActionKind } from '../../electron/engine/actions/types';
import { combineHandlers } from '../../electron/engine/handlers/combine';
import { createLogger } from '../../electron/engine/util/logger';

const fakeScriptKind = (note: string): ActionKind<import('../../shared/actions').ScriptActionConfig> => ({
  kind: 'script',
  configSchema: scriptActionSchema,
  run: async () => ({ ok: true, error: note }),
});

describe('the action registry', () => {
  it('finds each kind by name and refuses two kinds with the same name', () => {
    const one = fakeScriptKind('one');
    expect(createActionRegistry([one]).get('script')).toBe(one);
    expect(createActionRegistry([one]).get('fax')).toBeUndefined();
    expect(() => createActionRegistry([one, fakeScriptKind('two')])).toThrow(/Two action kinds are named "script"/);
  });

  it('the built-in registry has the script kind, checked by the schema the config uses', () => {
    const actions = createBuiltinActions({
      script: {
        logger: createLogger('test', { level: 'error' }),
        tmpDir: '/nonexistent',
        spawn: () => {
          throw new Error('not used');
        },
      },
    });
    expect(actions.kinds()).toContain('script');
    expect(actions.get('script')?.configSchema).toBe(scriptActionSchema);
    actions.stop();
  });
});

describe('combineHandlers', () => {
  it('merges the domains and refuses a method defined twice', () => {
    const getStatus = async () => ({}) as never;
    const listEvents = async () => ({}) as never;
    const merged = combineHandlers({ getStatus }, { listEvents });
    expect(merged.getStatus).toBe(getStatus);
    expect(merged.listEvents).toBe(listEvents);
    expect(() => combineHandlers({ getStatus }, { listEvents }, { getStatus })).toThrow(
      /"getStatus" is defined by handler groups 1 and 3/,
    );
  });
});

describe('automations: when -> one action', () => {
  const when = { id: 'refund-alert', source: 'payments', events: ['charge.refunded'] };

  it('reads a legacy run: {...} as a script action, with its defaults', () => {
    const a = automationSchema.parse({ ...when, run: { command: '/home/me/refund.sh' } });
    expect(a.action).toEqual({
      kind: 'script',
      command: '/home/me/refund.sh',
      args: [],
      cwd: null,
      timeoutSeconds: 60,
    });
    expect('run' in a).toBe(false);
    const b = automationSchema.parse({
      ...when,
      action: { kind: 'script', command: '/x', args: ['a'], timeoutSeconds: 5 },
    });
    expect(b.action).toEqual({ kind: 'script', command: '/x', args: ['a'], cwd: null, timeoutSeconds: 5 });
  });

  it('says what is wrong, with its JSON path: no action, both forms, an unknown kind, a bad field', () => {
    const issues = (over: object) => {
      const r = configSchema.safeParse({ automations: [{ ...when, ...over }] });
      return r.success ? null : describeIssues(r.error);
    };
    expect(issues({})).toMatch(/^automations\[0\]\.action: say what it does/);
    expect(issues({ run: { command: '/a' }, action: { kind: 'script', command: '/a' } })).toMatch(
      /^automations\[0\]\.run: give "action" or the older "run", not both/,
    );
    expect(issues({ action: { kind: 'fax', number: '1' } })).toMatch(/^automations\[0\]\.action\.kind: /);
    expect(issues({ action: { kind: 'script', command: '' } })).toMatch(/^automations\[0\]\.action\.command: /);
    expect(issues({ run: { command: '/a', shell: true } })).toMatch(/^automations\[0\]\.run: .*shell/);
  });

  it('a parsed config parses again to the same thing (what is written back stays valid)', () => {
    const once = configSchema.parse({ automations: [{ ...when, run: { command: '/a' } }] });
    expect(configSchema.parse(JSON.parse(JSON.stringify(once)))).toEqual(once);
  });
});

describe('statuses, defined once', () => {
  const runs = (...s: RunStatus[]) => s.map((status) => ({ status }));
  it("an event's status follows from its runs", () => {
    expect(eventStatusFor([])).toBeNull();
    expect(eventStatusFor(runs('succeeded', 'retrying'))).toBe('processing');
    expect(eventStatusFor(runs('queued'))).toBe('processing');
    expect(eventStatusFor(runs('succeeded', 'failed'))).toBe('failed');
    expect(eventStatusFor(runs('failed', 'running'))).toBe('processing');
    expect(eventStatusFor(runs('succeeded', 'succeeded'))).toBe('done');
  });
  it('rejected and duplicate events never run; the others may', () => {
    expect([...NEVER_RUNS].sort()).toEqual(['duplicate', 'rejected']);
    expect(mayRun('received')).toBe(true);
    expect(mayRun('failed')).toBe(true);
    expect(mayRun('duplicate')).toBe(false);
  });
});
