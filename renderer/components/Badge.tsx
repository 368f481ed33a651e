import type { ReactNode } from 'react';
import type { Tone } from '../lib/format';
import { providerInfo } from '../lib/providers';

export function Badge({ tone = 'neutral', children, title }: { tone?: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge tone-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** A status word with a coloured dot; the word itself carries the meaning, not the colour. */
export function StatusPill({ tone, label, title }: { tone: Tone; label: string; title?: string }) {
  return (
    <span className={`status-pill tone-${tone}`} title={title}>
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}

/** The provider's lettered mark, in its colour, with its name for screen readers. */
export function ProviderMark({ provider, size = 'md' }: { provider: string; size?: 'sm' | 'md' | 'lg' }) {
  const info = providerInfo(provider);
  return (
    <span className={`provider-mark mark-${info.id} mark-${size}`} role="img" aria-label={info.name} title={info.name}>
      {info.mark}
    </span>
  );
}
