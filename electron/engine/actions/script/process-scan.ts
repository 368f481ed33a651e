// Reads the process table from /proc (Linux) for process-tree.ts. One scan
// reads two small files per process (stat and environ): about 3 ms for 130
// processes on an idle machine, 30 ms of main-thread time on a loaded one, and
// one scan follows every script attempt. So scans run in a worker thread
// (started on first use, unref'd), and attempts finishing together share one.
// The scanner is one piece of plain JS (SCAN_SOURCE), run both by the worker
// and, synchronously, on the main thread when Hookdock is stopping (its event
// loop may not turn again) or when the worker cannot start.
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';

/** One process, as the scan reads it. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** Session id: a process that called setsid() leads its own (sid === pid). */
  sid: number;
  /** The kernel's short name (comm, at most 15 characters). */
  name: string;
  zombie: boolean;
  /** Its HOOKDOCK_PROCESS_MARK, or null (none, or not readable: another user's). */
  mark: string | null;
  /** Its HOOKDOCK_RUN_ID when it also carries a mark; else null. */
  runId: string | null;
}

export const PROCESS_MARK_VAR = 'HOOKDOCK_PROCESS_MARK';

// `scan(procDir)` -> ProcInfo[] | null (no /proc). Uses only `fs` and `Buffer`.
const SCAN_SOURCE = String.raw`
function valueIn(env, key) {
  let at = env.indexOf(key);
  while (at > 0 && env[at - 1] !== 0) at = env.indexOf(key, at + 1);
  if (at < 0) return null;
  const end = env.indexOf(0, at + key.length);
  return env.subarray(at + key.length, end < 0 ? env.length : end).toString('utf8');
}
const MARK = Buffer.from('${PROCESS_MARK_VAR}=');
const RUN = Buffer.from('HOOKDOCK_RUN_ID=');
function parseStat(text) {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const rest = text.slice(close + 2).split(' ');
  const pid = Number(text.slice(0, open).trim());
  const ppid = Number(rest[1]), pgid = Number(rest[2]), sid = Number(rest[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isInteger(pgid)) return null;
  return { pid, ppid, pgid, sid, name: text.slice(open + 1, close), zombie: rest[0] === 'Z' || rest[0] === 'X' };
}
function scan(procDir) {
  let names;
  try { names = fs.readdirSync(procDir); } catch { return null; }
  const out = [];
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    let stat;
    try { stat = parseStat(fs.readFileSync(procDir + '/' + n + '/stat', 'latin1')); } catch { continue; }
    if (!stat) continue;
    let env = null;
    if (!stat.zombie) { try { env = fs.readFileSync(procDir + '/' + n + '/environ'); } catch { /* another user's, or gone */ } }
    const mark = env ? valueIn(env, MARK) : null;
    out.push(Object.assign(stat, { mark, runId: env && mark !== null ? valueIn(env, RUN) : null }));
  }
  return out;
}
`;

type Scan = (procDir: string) => ProcInfo[] | null;
// The same source as the worker's, compiled here once: one scanner, two places to run it.
const scanHere = new Function('fs', 'Buffer', `${SCAN_SOURCE}\nreturn scan;`)(fs, Buffer) as Scan;

/** The process table now, on this thread; null without /proc. For stopping, and tests. */
export function listProcessesSync(procDir = '/proc'): ProcInfo[] | null {
  return scanHere(procDir);
}

const WORKER_SOURCE = `
const fs = require('node:fs');
const { parentPort } = require('node:worker_threads');
${SCAN_SOURCE}
parentPort.on('message', (m) => parentPort.postMessage({ id: m.id, list: scan(m.procDir) }));
`;

let worker: Worker | null = null;
let workerFailed = false;
let nextId = 1;
const waiting = new Map<number, (list: ProcInfo[] | null) => void>();

function onWorker(): Worker | null {
  if (worker || workerFailed) return worker;
  try {
    const w = new Worker(WORKER_SOURCE, { eval: true, name: 'hookdock process scan' });
    w.unref();
    w.on('message', (m: { id: number; list: ProcInfo[] | null }) => {
      const done = waiting.get(m.id);
      waiting.delete(m.id);
      done?.(m.list);
    });
    const lost = () => {
      // Scans still waiting are done here instead; later ones too.
      workerFailed = true;
      worker = null;
      for (const [id, done] of waiting) {
        waiting.delete(id);
        done(scanHere('/proc'));
      }
    };
    w.on('error', lost);
    w.on('exit', lost);
    worker = w;
  } catch {
    workerFailed = true;
  }
  return worker;
}

function scanOnce(procDir: string): Promise<ProcInfo[] | null> {
  const w = onWorker();
  if (!w) return Promise.resolve(scanHere(procDir));
  return new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    w.postMessage({ id, procDir });
  });
}

// Coalescing: a request is answered by a scan that started after it was made
// (so it sees every process that existed then); requests made during a scan share the next.
const inFlight = new Map<string, Promise<ProcInfo[] | null>>();
const queued = new Map<string, Promise<ProcInfo[] | null>>();

/** The process table (read off the main thread), or null without /proc. Never rejects. */
export function listProcesses(procDir = '/proc'): Promise<ProcInfo[] | null> {
  const q = queued.get(procDir);
  if (q) return q;
  const running = inFlight.get(procDir);
  const start = (): Promise<ProcInfo[] | null> => {
    queued.delete(procDir);
    const p = scanOnce(procDir)
      .catch(() => null)
      .finally(() => {
        if (inFlight.get(procDir) === p) inFlight.delete(procDir);
      });
    inFlight.set(procDir, p);
    return p;
  };
  if (!running) return start();
  const next = running.then(start, start);
  queued.set(procDir, next);
  return next;
}
