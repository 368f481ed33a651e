// @vitest-environment happy-dom
// The conditions UI (issue #12, section 2): rows <-> the stored Mongo-style filter (big
// ids exact, contains, one of), fields offered from a real past event, and the live
// "would this past event match?" answered by the engine's real previewConditions handler.
import { cleanup, fireEvent, render, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAutomationToolHandlers } from '../../electron/engine/handlers/automation-tools';
import type { StoredEvent } from '../../electron/engine/store/types';
import type { Conditions } from '../../shared/conditions';
import { setApi, type Client } from '../../renderer/api';
import { ConditionsEditor } from '../../renderer/views/automations/conditions/ConditionsEditor';
import {
  conditionsToRows,
  fieldPaths,
  parseValue,
  rowsToConditions,
} from '../../renderer/views/automations/conditions/rows';

/** A Shopify orders/create as stored: the id beyond 2^53 kept exactly in the body text. */
function shopifyOrder(id: string, total: string, tags: string): StoredEvent {
  const text = `{"id":${id},"name":"#1042","total_price":"${total}","tags":"${tags}","customer":{"first_name":"Zoë"},"line_items":[{"title":"Blå mugg","quantity":2}]}`;
  return {
    id,
    source: 'shop',
    provider: 'shopify',
    type: 'orders/create',
    status: 'done',
    receivedAt: '2026-11-30T05:00:00.000Z',
    providerEventId: id,
    verification: { ok: true, reason: null },
    summary: `Order #1042 — $${total}`,
    sizeBytes: text.length,
    redeliveries: 0,
    headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': 'demo.myshopify.com' },
    body: { text },
    payload: JSON.parse(text),
  } as unknown as StoredEvent;
}

describe('condition rows', () => {
  it('turn into the filter the engine stores and back, numbers exact beyond 2^53', () => {
    expect(parseValue('100')).toBe(100);
    expect(parseValue('12.50')).toBe(12.5);
    expect(parseValue('820982911946154508')).toBe('820982911946154508');
    expect(parseValue('NL')).toBe('NL');
    const rows = [
      { field: 'payload.id', op: 'eq' as const, value: '820982911946154508' },
      { field: 'payload.tags', op: 'contains' as const, value: 'whole.sale' },
      { field: 'payload.country', op: 'in' as const, value: 'NL, BE' },
    ];
    const all = rowsToConditions(rows, 'all');
    expect(all).toEqual({
      $and: [
        { 'payload.id': { $eq: '820982911946154508' } },
        { 'payload.tags': { $regex: 'whole\\.sale', $options: 'i' } },
        { 'payload.country': { $in: ['NL', 'BE'] } },
      ],
    });
    expect(conditionsToRows(all)).toEqual({ rows, mode: 'all' });
    expect(rowsToConditions(rows.slice(0, 1), 'any')).toEqual({ 'payload.id': { $eq: '820982911946154508' } });
    expect(conditionsToRows(rowsToConditions(rows, 'any'))?.mode).toBe('any');
    expect(rowsToConditions([{ field: ' ', op: 'eq', value: '' }], 'all')).toBeUndefined();
    // A hand-written filter these rows cannot show is reported as such (and kept by the editor).
    expect(conditionsToRows({ 'payload.a': { $elemMatch: { b: 1 } } })).toBeNull();
  });

  it('offer the payload and header fields of a real event, lists by their first item', () => {
    const paths = fieldPaths(shopifyOrder('820982911946154508', '59.00', 'vip')).map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'payload.total_price',
        'payload.customer.first_name',
        'payload.line_items.title',
        'headers.x-shopify-topic',
      ]),
    );
  });
});

describe('the conditions editor', () => {
  const events = [
    shopifyOrder('820982911946154509', '250.00', 'wholesale, vip'),
    shopifyOrder('820982911946154508', '59.00', 'retail'),
  ];
  let value: Conditions | undefined;

  beforeEach(() => {
    value = undefined;
    const real = createAutomationToolHandlers({
      getEvent: async (id) => events.find((e) => e.id === id),
      dataDir: '/nonexistent',
    });
    setApi({
      listEvents: async () => ({ items: events, nextCursor: null }),
      getEvent: async ({ id }: { id: string }) => events.find((e) => e.id === id),
      previewConditions: (args: Parameters<Client['previewConditions']>[0]) => real.previewConditions(args),
    } as unknown as Client);
  });
  afterEach(() => {
    cleanup();
    setApi(null);
  });

  function Harness() {
    return (
      <ConditionsEditor
        source="shop"
        events={['orders/create']}
        value={value}
        onChange={(next) => {
          value = next;
          view.rerender(<Harness />);
        }}
      />
    );
  }
  let view: ReturnType<typeof render>;

  it('builds rows from fields of a past event and says live whether each past event matches', async () => {
    view = render(<Harness />);
    await waitFor(() => expect(view.container.querySelectorAll('datalist option').length).toBeGreaterThan(5));
    fireEvent.click(view.getByRole('button', { name: 'Add a condition' }));
    fireEvent.change(view.getByLabelText('Condition 1 field'), { target: { value: 'payload.total_price' } });
    fireEvent.change(view.getByLabelText('Condition 1 operator'), { target: { value: 'gt' } });
    fireEvent.change(view.getByLabelText('Condition 1 value'), { target: { value: '100' } });
    expect(value).toEqual({ 'payload.total_price': { $gt: 100 } });
    await waitFor(() => expect(view.getByRole('status').textContent).toBe('Yes — this event would run it.'));

    const picker = view.container.querySelector('.condition-preview select') as HTMLSelectElement;
    fireEvent.change(picker, { target: { value: '820982911946154508' } });
    await waitFor(() => expect(view.getByRole('status').textContent).toBe('No — this event would not run it.'));

    // A second row, any/all: "tags contain wholesale" OR total over 100 -> the cheap order still does not match.
    fireEvent.click(view.getByRole('button', { name: 'Add a condition' }));
    fireEvent.change(view.getByLabelText('Condition 2 field'), { target: { value: 'payload.id' } });
    fireEvent.change(view.getByLabelText('Condition 2 value'), { target: { value: '820982911946154508' } });
    expect(value).toEqual({
      $and: [{ 'payload.total_price': { $gt: 100 } }, { 'payload.id': { $eq: '820982911946154508' } }],
    });
    await waitFor(() => expect(view.getByRole('status').textContent).toBe('No — this event would not run it.'));
    fireEvent.change(view.getByLabelText('Match'), { target: { value: 'any' } });
    // The big id compares exactly: ...508 is this event, not its neighbour ...509.
    await waitFor(() => expect(view.getByRole('status').textContent).toBe('Yes — this event would run it.'));
    fireEvent.change(picker, { target: { value: '820982911946154509' } });
    await waitFor(() => expect(view.getByRole('status').textContent).toBe('Yes — this event would run it.'));
    fireEvent.change(view.getByLabelText('Condition 1 value'), { target: { value: '300' } });
    await waitFor(() => expect(view.getByRole('status').textContent).toBe('No — this event would not run it.'));
  });

  it('shows the engine’s sentence for conditions that cannot be used, and keeps hand-written ones', async () => {
    value = { 'payload.tags': { $regex: '(' } };
    view = render(<Harness />);
    expect(view.getByText(/written by hand/)).toBeTruthy();
    await waitFor(() => expect(view.getByRole('status').textContent).toMatch(/not a valid regular expression/));
    expect(value).toEqual({ 'payload.tags': { $regex: '(' } });
  });
});
