// @vitest-environment happy-dom
// An event that ran nothing: "no automation matched" was true when it arrived; an
// automation made since that covers it is named, with Replay as the way to run it.
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AutomationConfig } from '../../shared/config';
import type { HookEvent } from '../../shared/types';
import { NoRunsYet } from '../../renderer/views/event/NoRunsYet';

afterEach(cleanup);

const event = { id: 'evt_1', source: 'shop', type: 'orders/create' } as HookEvent;
const automation = (over: Partial<AutomationConfig>): AutomationConfig =>
  ({
    id: 'a1',
    name: 'Tell me',
    enabled: true,
    source: 'shop',
    events: ['orders/create'],
    action: { kind: 'notify', title: 't', body: 'b' },
    ...over,
  }) as AutomationConfig;

describe('NoRunsYet', () => {
  it('says none matched when it arrived, with a link to create one, when none covers it now', () => {
    const { container } = render(
      <NoRunsYet
        event={event}
        automations={[
          automation({ source: 'pay' }),
          automation({ events: ['refunds/*'] }),
          automation({ enabled: false }),
        ]}
      />,
    );
    expect(container.textContent).toBe('No automation matched this event when it arrived. Create one');
    expect(container.querySelector('a')?.getAttribute('href')).toBe('#/automations/new');
  });

  it('names the automations made since that cover it (any source, any type) and points at Replay', () => {
    const { container } = render(
      <NoRunsYet
        event={event}
        automations={[
          automation({ name: 'Tell me' }),
          automation({ id: 'a2', name: '', source: '*', events: ['orders/*'] }),
        ]}
      />,
    );
    expect(container.textContent).toBe(
      'No automation matched this event when it arrived. \u201cTell me\u201d, \u201ca2\u201d were made since for events like it: use Replay to run them on this event now.',
    );
  });
});
