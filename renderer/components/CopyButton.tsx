import { useState } from 'react';
import { copyText } from '../lib/clipboard';
import { Button } from './Button';
import { toast } from './Toast';

/** Copies `text`; says "Copied" for a moment, and to screen readers through a status line. */
export function CopyButton({
  text,
  label = 'Copy',
  what,
  size = 'sm',
  variant = 'secondary',
}: {
  text: string;
  label?: string;
  what?: string;
  size?: 'sm' | 'md';
  variant?: 'secondary' | 'ghost' | 'primary';
}) {
  const [copied, setCopied] = useState(false);
  return (
    <>
      <Button
        size={size}
        variant={variant}
        aria-label={what ? `${label} ${what}` : label}
        data-copied={copied || undefined}
        onClick={async () => {
          const ok = await copyText(text);
          if (ok) {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          } else {
            toast('Could not copy. Select the text and copy it by hand.', 'danger');
          }
        }}
        icon={
          <svg
            viewBox="0 0 16 16"
            width="14"
            height="14"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.5"
            aria-hidden="true"
          >
            {copied ? (
              <path d="M3 8.5l3 3 7-7" />
            ) : (
              <>
                <rect x="5" y="5" width="8" height="8" rx="1.5" />
                <path d="M3 10.5V4a1 1 0 0 1 1-1h6.5" />
              </>
            )}
          </svg>
        }
      >
        {copied ? 'Copied' : label}
      </Button>
      <span className="visually-hidden" role="status">
        {copied ? (what ? `Copied ${what}.` : 'Copied.') : ''}
      </span>
    </>
  );
}
