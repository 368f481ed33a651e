// The spreadsheet-row action (issue #12 section 4): appends one row per event to the CSV
// file the owner picked; each column's value is a template over the event. How the file is
// written so a crash never leaves a half row: append.ts.
//
// Delivery is at-least-once, narrowed: a retried attempt (attempt > 1: a failed sync, or a
// crash after the write) first looks for its exact row among the file's last 64 KiB and does
// not write it twice. Two events that make byte-identical rows on a retry would be taken for
// one: add a column such as {{ id }} to make every row unique.
import { csvActionSchema, type CsvActionConfig } from '../../../../shared/actions';
import { renderTemplate, templateEnvelope } from '../../templates';
import type { ActionKind, ActionOutcome } from '../types';
import { appendRow, csvLine, defuseFormula } from './append';

/** The attempt's `result` of a csv action. */
export interface CsvResult {
  file: string;
  /** The cells written (or found already written), in column order. */
  row: string[];
  /** The header row was written with it (the file was new or empty). */
  header: boolean;
  /** Bytes of a torn row (left by a crash) moved to "<file>.torn" first; 0 when none. */
  tornBytes: number;
  alreadyWritten: boolean;
  /** The row was appended by this attempt (false for a "Test it" run and a row already written). */
  written: boolean;
}

export function createCsvAction(): ActionKind<CsvActionConfig> {
  // Rows to one file are appended one after another (the header check and the append are one step).
  const queues = new Map<string, Promise<unknown>>();
  const serial = <T>(file: string, fn: () => Promise<T>): Promise<T> => {
    const next = (queues.get(file) ?? Promise.resolve()).then(fn, fn);
    const settled = next.catch(() => undefined);
    queues.set(file, settled);
    void settled.then(() => queues.get(file) === settled && queues.delete(file));
    return next;
  };

  return {
    kind: 'csv',
    configSchema: csvActionSchema,
    async run(ctx, event): Promise<ActionOutcome> {
      const { file, columns } = ctx.action;
      const envelope = templateEnvelope(event, ctx.test);
      const row: string[] = [];
      for (const c of columns) {
        try {
          row.push(defuseFormula(await renderTemplate(c.value, envelope)));
        } catch (err) {
          const why = String((err as Error).message).split('\n')[0];
          await ctx.ready; // the attempt is recorded only once it is durable, failed ones too
          return {
            ok: false,
            error: `The template of column "${c.name}" could not be rendered: ${why}. Fix it in the automation.`,
            fields: { result: null },
          };
        }
      }
      const header = csvLine(columns.map((c) => c.name));
      await ctx.ready; // write only once the attempt is durable
      if (ctx.reason === 'test') {
        // "Test it" shows the row without touching the owner's spreadsheet (as a script's
        // test run sends nothing onward).
        const result: CsvResult = { file, row, header: false, tornBytes: 0, alreadyWritten: false, written: false };
        return {
          ok: true,
          error: 'A test run writes nothing to the file: this is the row it would add.',
          fields: { result },
        };
      }
      try {
        const done = await serial(file, () => appendRow(file, header, csvLine(row), ctx.attempt > 1));
        const result: CsvResult = { file, row, ...done, written: !done.alreadyWritten };
        const note = done.tornBytes
          ? `The file ended in a row cut short by a crash; those ${done.tornBytes} bytes were moved to ${file}.torn.`
          : null;
        return { ok: true, error: note, fields: { result } };
      } catch (err) {
        return { ok: false, error: fileProblem(file, err as NodeJS.ErrnoException), fields: { result: { file, row } } };
      }
    },
  };
}

/** The sentence an owner acts on for a file that cannot be written (no path beyond the one they gave). */
function fileProblem(file: string, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return `The folder of ${file} does not exist; create it or pick another file.`;
    case 'EACCES':
    case 'EPERM':
      return `Hookdock may not write ${file}; change its permissions or pick another file.`;
    case 'EISDIR':
      return `${file} is a folder; pick a file inside it, e.g. ${file}/orders.csv.`;
    case 'ENOSPC':
      return `The disk holding ${file} is full; free some space and the row is written on the next try.`;
    case 'EBUSY':
      return `${file} is locked by another program (a spreadsheet that has it open?); close it and the row is written on the next try.`;
    default:
      return `Could not write to ${file} (${err.code ?? 'error'}); check the file and try again.`;
  }
}
