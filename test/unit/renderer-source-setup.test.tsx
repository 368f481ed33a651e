// @vitest-environment happy-dom
// The set-up steps name the button the source's card really shows: "Paste its
// secret" while the source waits for its secret, "Edit" once one is saved; a source
// Hookdock connected has no steps to create a webhook by hand (that would make a second one).
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PublicConfig } from '../../shared/api';
import { SourceSetup } from '../../renderer/views/sources/SourceSetup';

type Source = PublicConfig['sources'][number];
const source = (provider: Source['provider'], hasSecret: boolean) =>
  ({ id: 'x', name: 'X', provider, hasSecret, secret: hasSecret ? '••••' : null }) as unknown as Source;

afterEach(cleanup);

const stepsOf = (s: Source) =>
  [...render(<SourceSetup source={s} />).container.querySelectorAll('.steps li')].map((li) => li.textContent ?? '');

describe('the set-up steps', () => {
  it.each(['stripe', 'shopify', 'square', 'standard-webhooks'] as const)(
    'of %s say "Paste its secret" while the source waits, and "Edit" once its secret is saved',
    (provider) => {
      const waiting = stepsOf(source(provider, false)).join('\n');
      cleanup();
      const saved = stepsOf(source(provider, true)).join('\n');
      expect(waiting).toContain('"Paste its secret"');
      expect(saved).not.toContain('"Paste its secret"');
      expect(saved).toContain('paste it here with "Edit"');
    },
  );
});

it('a connected source shows no steps to create the webhook by hand, and still its test button', () => {
  const connected = {
    ...source('shopify', true),
    connect: { hasCredential: true, events: ['orders/create'] },
  } as Source;
  const { container, getByTestId, getByRole } = render(<SourceSetup source={connected} />);
  expect(container.querySelectorAll('.steps li')).toHaveLength(0);
  expect(container.textContent).not.toContain('Paste this URL');
  expect(getByTestId('managed-steps').textContent).toContain('nothing to create or paste in Shopify');
  expect(getByRole('button', { name: 'Send a test event' })).toBeTruthy();
});
