// Coalesces bursts of pushed events into one state update per frame: at 200
// events a second the feed renders ~60 times, not 200. A hidden tab gets no
// animation frames, so a timer flushes too.
export function frameBatcher<T>(
  flush: (items: T[]) => void,
  maxWaitMs = 100,
): { push: (item: T) => void; cancel: () => void } {
  let queue: T[] = [];
  let frame: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    if (frame !== null) cancelAnimationFrame(frame);
    if (timer !== null) clearTimeout(timer);
    frame = null;
    timer = null;
    const items = queue;
    queue = [];
    if (items.length) flush(items);
  };
  return {
    push(item) {
      queue.push(item);
      if (frame === null && typeof requestAnimationFrame === 'function') frame = requestAnimationFrame(run);
      if (timer === null) timer = setTimeout(run, maxWaitMs);
    },
    cancel() {
      if (frame !== null) cancelAnimationFrame(frame);
      if (timer !== null) clearTimeout(timer);
      frame = null;
      timer = null;
      queue = [];
    },
  };
}
