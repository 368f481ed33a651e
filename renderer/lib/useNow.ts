// A clock that ticks, so "next try in 4 min" counts down on screen.
import { useEffect, useState } from 'react';

/** Date.now(), re-read every `everyMs` (default 1 s) while `active`. */
export function useNow(active = true, everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [active, everyMs]);
  return now;
}
