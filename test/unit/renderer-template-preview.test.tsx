// @vitest-environment happy-dom
// The template preview under an action's templated fields (issue #12 section 3, "previewed
// on a past event"): a syntax problem shown at once without asking the engine, and the text
// the engine's REAL previewTemplate handler renders on the newest stored event, big ids exact,
// non-ASCII intact and payload markup shown as text.
import { cleanup, fireEvent, render, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../electron/engine/store/types';
import { createTemplateHandlers } from '../../electron/engine/templates/handlers';
import { setApi, type Client } from '../../renderer/api';
import { notifyKind } from '../../renderer/views/automations/kinds/NotifyForm';
import { sampleLabel, TemplateSampleProvider } from '../../renderer/views/automations/kinds/TemplatePreview';
import type { KindConfig } from '../../renderer/views/automations/kinds/types';

const ORDER_ID = '820982911946154508'; // beyond 2^53: as a double it would read ...500

/** A Shopify orders/create as stored: the id kept exactly in the body text. */
function shopifyOrder(): StoredEvent {
  const text = `{"id":${ORDER_ID},"name":"#1042","total_price":"59.00","currency":"EUR","customer":{"first_name":"Zoë <b>Ångström</b>"}}`;
  return {
    id: 'evt_1',
    source: 'shop',
    provider: 'shopify',
    type: 'orders/create',
    status: 'done',
    receivedAt: '2026-11-30T05:00:00.000Z',
    providerEventId: ORDER_ID,
    verification: { ok: true, reason: null },
    summary: 'Order #1042 — €59.00',
    sizeBytes: text.length,
    redeliveries: 0,
    headers: { 'x-shopify-topic': 'orders/create' },
    body: { text },
    payload: JSON.parse(text),
  } as unknown as StoredEvent;
}

describe('the template preview', () => {
  const events = [shopifyOrder()];
  let calls: string[];

  beforeEach(() => {
    calls = [];
    const real = createTemplateHandlers({ store: { getEvent: async (id) => events.find((e) => e.id === id) } });
    setApi({
      previewTemplate: (args: Parameters<Client['previewTemplate']>[0]) => {
        calls.push(args.template);
        return real.previewTemplate(args);
      },
    } as unknown as Client);
  });
  afterEach(() => {
    cleanup();
    setApi(null);
  });

  function Harness({ initial }: { initial: KindConfig<'notify'> }) {
    const [value, setValue] = useState(initial);
    return (
      <TemplateSampleProvider sample={events[0]}>
        <notifyKind.Form value={value} onChange={setValue} errors={{}} saved={null} />
      </TemplateSampleProvider>
    );
  }

  it('shows the text the engine renders on a stored event, id exact and names intact', async () => {
    const view = render(
      <Harness
        initial={{
          kind: 'notify',
          title: 'Order {{ payload.id }} for {{ payload.customer.first_name }}',
          body: '{{ payload.total_price | money: payload.currency }}',
        }}
      />,
    );
    const texts = () => [...view.container.querySelectorAll('.template-preview-text')].map((o) => o.textContent);
    await waitFor(() => expect(texts()).toEqual([`Order ${ORDER_ID} for Zoë <b>Ångström</b>`, '€59.00']));
    // The payload's markup is text, never HTML.
    expect(view.container.querySelector('.template-preview b')).toBeNull();
    const label = sampleLabel(events[0]);
    expect(label).toMatch(/^On the event of .*\d\d:\d\d \(Order #1042 — €59\.00\)$/);
    expect(view.getAllByText(label)).toHaveLength(2);

    // The preview follows edits.
    fireEvent.change(view.getByLabelText('Notification title'), { target: { value: 'Hi {{ payload.name }}' } });
    await waitFor(() => expect(texts()[0]).toBe('Hi #1042'));
  });

  it('shows a syntax problem at once, without asking the engine', async () => {
    const view = render(<Harness initial={{ kind: 'notify', title: 'Order {{ payload.id', body: 'No fields here' }} />);
    expect(view.container.querySelector('.template-preview.preview-error')?.textContent).toMatch(
      /^This template does not work: .+\. Fields are written \{\{ payload\.name \}\}/,
    );
    fireEvent.change(view.getByLabelText('Notification title'), {
      target: { value: '{{ payload.total_price | nosuchfilter }}' },
    });
    expect(view.container.querySelector('.template-preview.preview-error')?.textContent).toMatch(
      /^This template does not work: .*nosuchfilter/,
    );
    // Neither template went to the engine, and a text without fields shows no preview.
    expect(calls).toEqual([]);
    expect(view.container.querySelectorAll('.template-preview')).toHaveLength(1);
  });
});
