// Condition rows (field, operator, value) <-> the Mongo-style filter stored in an
// automation's `conditions` (shared/conditions.ts). Only the shapes these rows make are
// read back as rows; anything else (hand-written) is kept as it is and shown as JSON.
import type { Conditions } from '../../../../shared/conditions';

export type Op = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains' | 'in' | 'exists';
export interface ConditionRow {
  /** e.g. payload.data.object.amount or headers.x-shopify-topic */
  field: string;
  op: Op;
  /** As typed; numbers become numbers (or exact digit strings beyond 2^53). */
  value: string;
}
export type MatchMode = 'all' | 'any';

/** [operator, words shown to the owner] */
export const OPS: readonly (readonly [Op, string])[] = [
  ['eq', 'is'],
  ['ne', 'is not'],
  ['gt', 'is over'],
  ['gte', 'is at least'],
  ['lt', 'is under'],
  ['lte', 'is at most'],
  ['contains', 'contains'],
  ['in', 'is one of'],
  ['exists', 'is present'],
];

const MONGO: Record<Exclude<Op, 'contains'>, string> = {
  eq: '$eq',
  ne: '$ne',
  gt: '$gt',
  gte: '$gte',
  lt: '$lt',
  lte: '$lte',
  in: '$in',
  exists: '$exists',
};

/** A typed value: a number when it is one a double holds exactly, its digits (a string) when not, else the text. */
export function parseValue(text: string): unknown {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) {
    const n = Number(t);
    const digits = t.replace(/[-.]/g, '').replace(/^0+/, '').length;
    return (Number.isInteger(n) ? Number.isSafeInteger(n) : digits <= 15) ? n : t;
  }
  if (t === 'true' || t === 'false') return t === 'true';
  return t;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const unescapeRegex = (s: string) => s.replace(/\\(.)/g, '$1');

function rowFilter(row: ConditionRow): Conditions {
  if (row.op === 'contains') return { [row.field]: { $regex: escapeRegex(row.value.trim()), $options: 'i' } };
  if (row.op === 'exists') return { [row.field]: { $exists: true } };
  const value =
    row.op === 'in'
      ? row.value
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
          .map(parseValue)
      : parseValue(row.value);
  return { [row.field]: { [MONGO[row.op]]: value } };
}

/** The filter for these rows; undefined when there are none (the automation then has no conditions). */
export function rowsToConditions(rows: ConditionRow[], mode: MatchMode): Conditions | undefined {
  const used = rows.filter((r) => r.field.trim());
  if (!used.length) return undefined;
  const parts = used.map((r) => rowFilter({ ...r, field: r.field.trim() }));
  if (parts.length === 1) return parts[0];
  return { [mode === 'all' ? '$and' : '$or']: parts };
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function rowOf(part: unknown): ConditionRow | null {
  if (!part || typeof part !== 'object' || Array.isArray(part)) return null;
  const entries = Object.entries(part);
  if (entries.length !== 1) return null;
  const [field, cond] = entries[0];
  if (field.startsWith('$')) return null;
  if (!cond || typeof cond !== 'object' || Array.isArray(cond)) return { field, op: 'eq', value: show(cond) };
  const c = cond as Record<string, unknown>;
  const keys = Object.keys(c).sort().join(',');
  if (keys === '$options,$regex' && c.$options === 'i' && typeof c.$regex === 'string')
    return { field, op: 'contains', value: unescapeRegex(c.$regex) };
  if (keys === '$exists' && c.$exists === true) return { field, op: 'exists', value: '' };
  if (keys === '$in' && Array.isArray(c.$in)) return { field, op: 'in', value: c.$in.map(show).join(', ') };
  const op = (Object.keys(MONGO) as Exclude<Op, 'contains'>[]).find((o) => MONGO[o] === keys);
  return op && op !== 'in' && op !== 'exists' ? { field, op, value: show(c[keys]) } : null;
}

/** Rows for a stored filter, or null when it is not one these rows can show (then it is kept as written). */
export function conditionsToRows(c: Conditions | undefined): { rows: ConditionRow[]; mode: MatchMode } | null {
  if (!c || !Object.keys(c).length) return { rows: [], mode: 'all' };
  const keys = Object.keys(c);
  if (keys.length === 1 && (keys[0] === '$and' || keys[0] === '$or') && Array.isArray(c[keys[0]])) {
    const rows = (c[keys[0]] as unknown[]).map(rowOf);
    return rows.every(Boolean) ? { rows: rows as ConditionRow[], mode: keys[0] === '$and' ? 'all' : 'any' } : null;
  }
  const rows = keys.map((k) => rowOf({ [k]: c[k] }));
  return rows.every(Boolean) ? { rows: rows as ConditionRow[], mode: 'all' } : null;
}

/**
 * The fields of a stored event a condition can use, with an example value: `payload.…`
 * (objects walked; a list by its first item, which a condition then matches on any item)
 * and `headers.…`. At most `max` fields.
 */
export function fieldPaths(
  event: { payload?: unknown; headers?: Record<string, string> },
  max = 300,
): { path: string; example: string }[] {
  const out: { path: string; example: string }[] = [];
  const walk = (v: unknown, path: string, depth: number) => {
    if (out.length >= max) return;
    if (Array.isArray(v)) {
      if (v.length) walk(v[0], path, depth);
      return;
    }
    if (v && typeof v === 'object' && depth < 8) {
      for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`, depth + 1);
      return;
    }
    if (v !== undefined) out.push({ path, example: show(v).slice(0, 60) });
  };
  if (event.payload && typeof event.payload === 'object') walk(event.payload, 'payload', 0);
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (out.length >= max) break;
    out.push({ path: `headers.${name.toLowerCase()}`, example: value.slice(0, 60) });
  }
  return out;
}
