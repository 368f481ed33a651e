// After a navigation inside the app, focus moves to the new page's heading, as a
// screen reader user expects from a page load (WCAG 2.4.3 Focus Order; the pattern
// of GOV.UK and Reach Router). The heading may render only once the page's data is in:
// then it is focused when it appears. The first page load keeps the browser's focus.
import { useEffect, useRef } from 'react';

/** `pageKey` changes on each navigation (route name + id); `main` holds the page. */
export function useFocusHeadingOnNavigate(pageKey: string, main: () => HTMLElement | null): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const root = main();
    if (!root) return;
    const focus = (): boolean => {
      const h1 = root.querySelector<HTMLElement>('h1');
      if (!h1) return false;
      if (!h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1');
      // Someone already moved on (typed in a field, opened a dialog): leave them there.
      const active = document.activeElement;
      if (active && active !== document.body && root.contains(active) && active !== root) return true;
      h1.focus({ preventScroll: true });
      return true;
    };
    if (focus()) return;
    const observer = new MutationObserver(() => {
      if (focus()) observer.disconnect();
    });
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
    // main is read once per navigation.
  }, [pageKey]);
}
