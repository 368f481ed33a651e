// The stand-in template helper of the forward and email actions (actions/local-template.ts):
// Liquid over the envelope, exact big ids, non-ASCII, and its safety options on.
import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../electron/engine/actions/local-template';
import { storedEvent } from '../engine/automations-harness';

const BODY = '{"id":820982911946155508,"total_price":"59.00","customer":{"first_name":"Zoë"},"tags":["a","b"]}';
const event = storedEvent({
  type: 'orders/create',
  headers: { 'x-shopify-topic': 'orders/create' },
  body: { text: BODY },
  payload: JSON.parse(BODY),
});

describe('renderTemplate', () => {
  it('fills in payload, headers and type; an id beyond 2^53 keeps its digits; non-ASCII intact', async () => {
    await expect(
      renderTemplate(
        '{{ type }} {{ payload.id }} {{ payload.customer.first_name }} {{ headers.x-shopify-topic }}',
        event,
      ),
    ).resolves.toBe('orders/create 820982911946155508 Zoë orders/create');
  });

  it('text without a tag is returned as it is', async () => {
    await expect(renderTemplate('plain text — ☕', event)).resolves.toBe('plain text — ☕');
  });

  it('reads only the data’s own fields', async () => {
    await expect(renderTemplate('[{{ payload.constructor }}][{{ payload.tags.__proto__ }}]', event)).resolves.toBe(
      '[][]',
    );
  });

  it('an unknown filter is an error sentence saying what to do', async () => {
    await expect(renderTemplate('{{ payload.id | nosuchfilter }}', event)).rejects.toThrow(
      /template could not be filled in .*nosuchfilter.*correct it in the automation/,
    );
  });

  it('a render over its memory limit stops with an error instead of growing', async () => {
    const bomb =
      '{% assign s = "xxxxxxxxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}';
    await expect(renderTemplate(bomb, event)).rejects.toThrow(/template could not be filled in/);
  });
});
