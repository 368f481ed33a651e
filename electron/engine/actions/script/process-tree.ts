// Finds and ends every process one script attempt started, even those that
// left its process group (setsid, setpgid, a double fork): the runner puts a
// random per-attempt marker into the script's environment
// (HOOKDOCK_PROCESS_MARK); children inherit their parent's environment, so on
// Linux every descendant is found by scanning /proc/<pid>/environ for it, as
// Jenkins' ProcessTreeKiller finds escaped build processes by their
// BUILD_ID. Also counted as the attempt's: the script's process group and the
// descendants (by parent pid) of anything found.
//
// Limits, written where the README says them too: only processes of Hookdock's
// own user can be read (and killed); a process that rewrites its environment
// at exec (`env -i`, `env -u HOOKDOCK_PROCESS_MARK`) AND left the group AND
// whose parent is gone is no longer ours to find (the documented way to start a
// deliberate daemon). macOS and Windows have no /proc: there the process group
// (POSIX) or the process tree (taskkill /T) is all that is ended, as the runner
// did before.
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { listProcesses, listProcessesSync, PROCESS_MARK_VAR, type ProcInfo } from './process-scan';

export { PROCESS_MARK_VAR, type ProcInfo };

/** A fresh marker value for one attempt. */
export const newProcessMark = (): string => randomUUID();

/** One process that was ended, for the run's message. */
export interface EndedProcess {
  pid: number;
  name: string;
  /** Why it was not in the script's process group, or null when it was. */
  left: 'setsid' | 'group' | null;
}

export interface EndOptions {
  /** The script's pid (it leads its process group); undefined if it never started. */
  root: number | undefined;
  mark: string;
  /** The first signal: SIGTERM (then SIGKILL after graceMs) or SIGKILL at once. */
  first: 'SIGTERM' | 'SIGKILL';
  /** Between SIGTERM and SIGKILL, in ms. */
  graceMs: number;
  /** Default '/proc'. */
  procDir?: string;
  platform?: NodeJS.Platform;
}

/** How often the processes signalled are checked for during the grace (no exit event exists for a non-child). */
const POLL_MS = 25;
/** Rounds of scan-and-signal: a process forking as fast as it is killed is still given up on, not chased for ever. */
const MAX_ROUNDS = 8;

/**
 * The attempt's live processes in `all`: those carrying its marker, those in the
 * group the script leads, and every descendant (by parent pid) of either.
 * Never Hookdock itself, nor pid 1.
 */
export function runMembers(all: readonly ProcInfo[], root: number | undefined, mark: string): ProcInfo[] {
  return withDescendants(
    all,
    all.filter((p) => p.mark === mark || (root !== undefined && (p.pid === root || p.pgid === root))),
  );
}

/** `seeds` and all their descendants (by parent pid), live, never Hookdock itself nor pid 1. */
function withDescendants(all: readonly ProcInfo[], seeds: ProcInfo[]): ProcInfo[] {
  const children = new Map<number, ProcInfo[]>();
  for (const p of all) {
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const found = new Map<number, ProcInfo>();
  const queue = [...seeds];
  while (queue.length > 0) {
    const p = queue.pop()!;
    if (found.has(p.pid)) continue;
    found.set(p.pid, p);
    queue.push(...(children.get(p.pid) ?? []));
  }
  return [...found.values()].filter((p) => !p.zombie && p.pid !== process.pid && p.pid > 1);
}

function ended(p: ProcInfo, root: number | undefined): EndedProcess {
  const inGroup = root !== undefined && p.pgid === root;
  return { pid: p.pid, name: p.name, left: inGroup || p.pid === root ? null : p.sid === p.pid ? 'setsid' : 'group' };
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone already, or not ours */
  }
}

/** Still there and not a zombie: one small read per process (the rest of the table is not needed). */
const alive = async (procDir: string, pid: number): Promise<boolean> => {
  const stat = await readFile(`${procDir}/${pid}/stat`, 'latin1').catch(() => '');
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return stat !== '' && state !== 'Z' && state !== 'X';
};

/**
 * Ends every process of the attempt (Linux): `first` to each, then, for those
 * still there after `graceMs`, SIGKILL; scanned again until none is left (at
 * most MAX_ROUNDS), so children forked meanwhile go too. Resolves with what was
 * signalled, in pid order; [] where there is no /proc (the runner's group kill
 * is then all there is). Never rejects.
 */
export async function endRunProcesses(o: EndOptions): Promise<EndedProcess[]> {
  if ((o.platform ?? process.platform) !== 'linux') return [];
  return endSelected((all) => runMembers(all, o.root, o.mark), o);
}

/**
 * After a crash (Hookdock killed while scripts ran): ends what the interrupted
 * attempts of `runIds` left running, found by HOOKDOCK_RUN_ID next to a
 * HOOKDOCK_PROCESS_MARK (run ids are unique to this install), and their
 * descendants; SIGTERM, then SIGKILL after `graceMs`. Linux only ({} elsewhere).
 * Resolves with what was ended per run id; never rejects.
 */
export async function endInterruptedRuns(
  runIds: readonly string[],
  graceMs: number,
  platform: NodeJS.Platform = process.platform,
): Promise<Map<string, EndedProcess[]>> {
  const out = new Map<string, EndedProcess[]>();
  if (platform !== 'linux' || runIds.length === 0) return out;
  const wanted = new Set(runIds);
  // Whose each process is: its own run id, else the one it descends from.
  const owner = new Map<number, string>();
  const list = await endSelected(
    (all) => {
      const byPid = new Map(all.map((p) => [p.pid, p]));
      const ownerOf = (p: ProcInfo | undefined, depth = 0): string | null =>
        !p || depth > 64
          ? null
          : p.runId !== null && wanted.has(p.runId)
            ? p.runId
            : ownerOf(byPid.get(p.ppid), depth + 1);
      const members = withDescendants(
        all,
        all.filter((p) => p.runId !== null && wanted.has(p.runId)),
      );
      for (const p of members) if (!owner.has(p.pid)) owner.set(p.pid, ownerOf(p) ?? runIds[0]);
      return members;
    },
    { first: 'SIGTERM', graceMs, root: undefined },
  );
  for (const p of list) {
    const run = owner.get(p.pid)!;
    out.set(run, [...(out.get(run) ?? []), { ...p, left: null }]);
  }
  return out;
}

async function endSelected(
  select: (all: ProcInfo[]) => ProcInfo[],
  o: Pick<EndOptions, 'first' | 'graceMs' | 'root' | 'procDir'>,
): Promise<EndedProcess[]> {
  const procDir = o.procDir ?? '/proc';
  const seen = new Map<number, EndedProcess>();
  let sig: NodeJS.Signals = o.first;
  const killAt = Date.now() + (o.first === 'SIGKILL' ? 0 : o.graceMs);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const all = await listProcesses(procDir);
    if (!all) break;
    const members = select(all);
    if (members.length === 0) break;
    for (const p of members) {
      if (!seen.has(p.pid)) seen.set(p.pid, ended(p, o.root));
      signal(p.pid, sig);
    }
    // Wait for them to go, or for the grace to end; then SIGKILL whatever a new scan finds.
    let left = members.map((p) => p.pid);
    while (left.length > 0 && Date.now() < killAt) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      left = (await Promise.all(left.map(async (pid) => ((await alive(procDir, pid)) ? pid : 0)))).filter(Boolean);
    }
    if (left.length > 0 || Date.now() >= killAt) sig = 'SIGKILL';
    if (sig === 'SIGKILL') for (const pid of left) signal(pid, 'SIGKILL');
  }
  return [...seen.values()].sort((a, b) => a.pid - b.pid);
}

/**
 * SIGKILL to every process of the attempt, synchronously (Hookdock is
 * stopping: its event loop may not turn again). Returns what was killed.
 */
export function killRunProcessesSync(o: Omit<EndOptions, 'first' | 'graceMs'>): EndedProcess[] {
  if ((o.platform ?? process.platform) !== 'linux') return [];
  const seen = new Map<number, EndedProcess>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const all = listProcessesSync(o.procDir);
    const members = all ? runMembers(all, o.root, o.mark).filter((p) => !seen.has(p.pid)) : [];
    if (members.length === 0) break;
    for (const p of members) {
      seen.set(p.pid, ended(p, o.root));
      signal(p.pid, 'SIGKILL');
    }
  }
  return [...seen.values()].sort((a, b) => a.pid - b.pid);
}

/**
 * "ended 2 processes: sh (pid 123), sleep (pid 125, had left the group with setsid)";
 * null for none.
 */
export function describeEnded(list: readonly EndedProcess[]): string | null {
  if (list.length === 0) return null;
  const one = (p: EndedProcess) =>
    p.left === 'setsid'
      ? `${p.name} (pid ${p.pid}, had left the group with setsid)`
      : p.left === 'group'
        ? `${p.name} (pid ${p.pid}, had left the group)`
        : `${p.name} (pid ${p.pid})`;
  return `ended ${list.length} process${list.length === 1 ? '' : 'es'}: ${list.map(one).join(', ')}`;
}
