// A script's output, three ways, none of which holds more than a bounded
// amount in memory whatever the script prints:
// - CappedOutput: what is kept with the attempt (64 KiB a stream): the start
//   and the end, with a marked cut in between, because a failing script's
//   reason is usually at the end and what it did first at the start.
// - LineScanner: every complete stdout line, past the cap too, so a send line
//   printed after 10 MB of logs still counts.
// - LiveOutput: chunks for the dashboard while the script runs, coalesced
//   (one bus event per stream per interval) and cut after a budget.
import { StringDecoder } from 'node:string_decoder';

export const OUTPUT_CAP_BYTES = 64 * 1024;
const TAIL_BYTES = 16 * 1024;

export class CappedOutput {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;

  constructor(
    private readonly cap = OUTPUT_CAP_BYTES,
    private readonly tailCap = Math.min(TAIL_BYTES, Math.floor(cap / 4)),
  ) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    const headRoom = this.cap - this.tailCap - this.headBytes;
    if (headRoom > 0) {
      const part = chunk.subarray(0, headRoom);
      this.head.push(part);
      this.headBytes += part.length;
      chunk = chunk.subarray(part.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    // Keep only the last tailCap bytes.
    while (this.tailBytes - this.tail[0].length >= this.tailCap) this.tailBytes -= this.tail.shift()!.length;
  }

  get truncated(): boolean {
    return this.total > this.cap;
  }

  get bytes(): number {
    return this.total;
  }

  text(): string {
    const head = Buffer.concat(this.head);
    let tail = Buffer.concat(this.tail);
    if (!this.truncated) return Buffer.concat([head, tail]).toString('utf8');
    tail = tail.subarray(tail.length - this.tailCap);
    const cut = this.total - head.length - tail.length;
    return `${head.toString('utf8')}\n… ${cut} bytes cut (Hookdock keeps the first and last part of the output) …\n${tail.toString('utf8')}`;
  }
}

/** Splits a byte stream into lines; a line longer than maxLineBytes is skipped whole (it cannot be a send). */
export class LineScanner {
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private skipping = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineBytes = 1024 * 1024,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      this.take(chunk.subarray(start, nl));
      this.emit();
      start = nl + 1;
    }
    if (start < chunk.length) this.take(chunk.subarray(start));
  }

  /** The last line, when the output does not end with a newline. */
  end(): void {
    if (this.partialBytes > 0 || this.skipping) this.emit();
  }

  private take(part: Buffer): void {
    if (this.skipping || part.length === 0) return;
    if (this.partialBytes + part.length > this.maxLineBytes) {
      this.skipping = true;
      this.partial = [];
      this.partialBytes = 0;
      return;
    }
    // Copy: the stream may reuse its buffer.
    this.partial.push(Buffer.from(part));
    this.partialBytes += part.length;
  }

  private emit(): void {
    const skipped = this.skipping;
    const line = skipped ? '' : Buffer.concat(this.partial).toString('utf8');
    this.partial = [];
    this.partialBytes = 0;
    this.skipping = false;
    if (!skipped) this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}

export type OutputStream = 'stdout' | 'stderr';

export interface LiveOutputOptions {
  emit: (stream: OutputStream, chunk: string) => void;
  /** Coalescing window. Default 100 ms. */
  intervalMs?: number;
  /** Bytes streamed live per stream before the rest is only kept (capped) with the attempt. */
  budgetBytes?: number;
}

export interface LiveOutput {
  push(stream: OutputStream, chunk: Buffer): void;
  /** Emits what is pending now; call when the script ends. */
  flush(): void;
}

export function createLiveOutput(opts: LiveOutputOptions): LiveOutput {
  const intervalMs = opts.intervalMs ?? 100;
  const budget = opts.budgetBytes ?? OUTPUT_CAP_BYTES;
  const state = {
    stdout: { decoder: new StringDecoder('utf8'), pending: '', sent: 0, cut: false },
    stderr: { decoder: new StringDecoder('utf8'), pending: '', sent: 0, cut: false },
  };
  let timer: NodeJS.Timeout | null = null;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    for (const stream of ['stdout', 'stderr'] as const) {
      const s = state[stream];
      if (!s.pending) continue;
      const chunk = s.pending;
      s.pending = '';
      opts.emit(stream, chunk);
    }
  }

  return {
    push(stream, chunk) {
      const s = state[stream];
      if (s.cut) return;
      s.sent += chunk.length;
      if (s.sent > budget) {
        s.cut = true;
        const room = chunk.length - (s.sent - budget);
        s.pending +=
          s.decoder.write(chunk.subarray(0, Math.max(0, room))) +
          '\n… (live output stops here; the end is kept with the run) …\n';
      } else {
        s.pending += s.decoder.write(chunk);
      }
      if (!timer) {
        timer = setTimeout(flush, intervalMs);
        timer.unref();
      }
    },
    flush() {
      for (const s of Object.values(state)) if (!s.cut) s.pending += s.decoder.end();
      flush();
    },
  };
}
