// Pretty JSON with light colouring, built as React nodes (never as HTML), so a
// payload can never inject markup. Big payloads skip the colouring.
import { useMemo, type ReactNode } from 'react';

const MAX_HIGHLIGHT = 200_000;
const TOKEN =
  /("(?:\\u[a-fA-F0-9]{4}|\\[^u]|[^\\"])*"(\s*:)?|\b(?:true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

export function JsonView({ text, label }: { text: string; label: string }) {
  const nodes = useMemo(() => {
    if (text.length > MAX_HIGHLIGHT) return [text];
    const out: ReactNode[] = [];
    let last = 0;
    let key = 0;
    for (const m of text.matchAll(TOKEN)) {
      const i = m.index ?? 0;
      if (i > last) out.push(text.slice(last, i));
      const tok = m[0];
      const cls = m[2]
        ? 'j-key'
        : tok.startsWith('"')
          ? 'j-str'
          : /^(true|false)$/.test(tok)
            ? 'j-bool'
            : tok === 'null'
              ? 'j-null'
              : 'j-num';
      out.push(
        <span key={key++} className={cls}>
          {tok}
        </span>,
      );
      last = i + tok.length;
    }
    if (last < text.length) out.push(text.slice(last));
    return out;
  }, [text]);
  return (
    <pre className="code-block" tabIndex={0} aria-label={label}>
      <code>{nodes}</code>
    </pre>
  );
}
