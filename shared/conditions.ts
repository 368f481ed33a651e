// Conditions: a Mongo-style filter on the event envelope (ARCHITECTURE.md "Contract
// additions, wave 2"), e.g. {"payload.amount": {"$gt": 100}, "headers.x-shopify-topic": "orders/create"}.
// Evaluated with `sift` (the syntax Hookdeck's filters use) over an allow-list of
// operators: no `$where`, which would run text as JavaScript. Checked on save with the
// JSON path of a bad field; at run time a condition that cannot be evaluated (a missing
// field, a type mismatch) is a non-match, never a crash.
//
// Numbers compare by value, exactly. The payload is read from the body's text with
// `lossless-json`, so a number a double cannot hold (an id beyond 2^53, more than 15
// significant digits) keeps its digits; such a number compares exactly with another
// number or with a string of digits. The config file itself is plain JSON, so a condition
// value beyond 2^53 must be written as a string ("820982911946154508"): a bare one is refused.
import { compareNumber, isLosslessNumber, isNumber, isSafeNumber, LosslessNumber, parse } from 'lossless-json';
import * as siftModule from 'sift';
import { z } from 'zod';

// sift ships CommonJS only: Node's ESM loader exposes it as `default`, bundlers as named exports.
type Sift = typeof siftModule;
const sift: Sift =
  'createQueryTester' in siftModule ? siftModule : (siftModule as unknown as { default: Sift }).default;
const { $all, $and, $elemMatch, $exists, $in, $ne, $nin, $nor, $not, $options, $or, $regex, $size } = sift;
const { createEqualsOperation, createQueryTester } = sift;
export type Conditions = Record<string, unknown>;
type OperationCreator = Parameters<typeof createQueryTester>[1] extends infer O
  ? O extends { operations?: Record<string, infer C> }
    ? C
    : never
  : never;

/** What conditions see: the envelope's payload (big-number safe) and headers (lower-case names). */
export interface ConditionView {
  payload: unknown;
  headers: Record<string, string>;
}

const FIELD_ROOTS = ['payload', 'headers'];
const GROUPS = new Set(['$and', '$or', '$nor']);
const FIELD_OPS = new Set([
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$all',
  '$exists',
  '$regex',
  '$options',
  '$size',
  '$not',
  '$elemMatch',
]);

/** The value a comparison sees: an exact decimal text for numbers, else null. */
function numericText(v: unknown): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'bigint') return v.toString();
  if (isLosslessNumber(v)) return (v as LosslessNumber).value;
  return null;
}

/** -1/0/1 when a and b are both numbers (a string of digits counts when the other is one), else null. */
function compareExact(a: unknown, b: unknown): -1 | 0 | 1 | null {
  let x = numericText(a);
  let y = numericText(b);
  if (x === null && y !== null && typeof a === 'string' && isNumber(a)) x = a;
  if (y === null && x !== null && typeof b === 'string' && isNumber(b)) y = b;
  if (x === null || y === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  return compareNumber(x, y);
}

function equals(a: unknown, b: unknown): boolean {
  const c = compareExact(a, b);
  if (c !== null) return c === 0;
  if (a === b || (a == null && b == null)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equals(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    const rb = b as Record<string, unknown>;
    return ka.length === kb.length && ka.every((k) => equals((a as Record<string, unknown>)[k], rb[k]));
  }
  return false;
}

const ordered =
  (ok: (c: number) => boolean): OperationCreator =>
  (params, ownerQuery, options) =>
    createEqualsOperation(
      (b: unknown) => {
        const c = compareExact(b, params);
        if (c !== null) return ok(c);
        // Strings compare with strings (ISO dates sort as text); nothing else orders.
        return typeof b === 'string' && typeof params === 'string' ? ok(b < params ? -1 : b > params ? 1 : 0) : false;
      },
      ownerQuery,
      options,
    );

const OPERATIONS: Record<string, OperationCreator> = {
  $eq: (params, ownerQuery, options) => createEqualsOperation(params, ownerQuery, options),
  $ne,
  $gt: ordered((c) => c > 0),
  $gte: ordered((c) => c >= 0),
  $lt: ordered((c) => c < 0),
  $lte: ordered((c) => c <= 0),
  $in,
  $nin,
  $all,
  $exists,
  $regex,
  $options,
  $size,
  $not,
  $elemMatch,
  $and,
  $or,
  $nor,
};

/** Compiles conditions into a test; throws (sift's message) when they cannot be compiled. */
export function compileConditions(conditions: Conditions): (view: ConditionView) => boolean {
  const test = createQueryTester(conditions, { operations: OPERATIONS, compare: equals });
  return (view) => {
    try {
      return test(view);
    } catch {
      return false; // cannot be evaluated on this event: a non-match
    }
  };
}

/**
 * The payload as conditions see it: the body's JSON text parsed with every number kept
 * exactly (a number a double cannot hold becomes a LosslessNumber); the stored value
 * when the body is not JSON text.
 */
export function conditionPayload(bodyText: string | null, fallback: unknown): unknown {
  if (bodyText === null) return fallback;
  try {
    const text = bodyText.charCodeAt(0) === 0xfeff ? bodyText.slice(1) : bodyText;
    return parse(text, null, (n) => (isSafeNumber(n) ? Number(n) : new LosslessNumber(n)));
  } catch {
    return fallback;
  }
}

type Issue = { path: (string | number)[]; message: string };

function checkValue(v: unknown, path: (string | number)[], out: Issue[]): void {
  if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) {
    out.push({
      path,
      message: 'a number this large loses digits in JSON; write it as a string, e.g. "820982911946154508"',
    });
  } else if (Array.isArray(v)) v.forEach((x, i) => checkValue(x, [...path, i], out));
}

function checkOperators(ops: Record<string, unknown>, path: (string | number)[], out: Issue[]): void {
  for (const [op, arg] of Object.entries(ops)) {
    const at = [...path, op];
    if (!op.startsWith('$')) {
      out.push({
        path: at,
        message: 'mix no field names with operators; use {"$eq": {...}} to compare a whole object',
      });
    } else if (!FIELD_OPS.has(op)) {
      out.push({ path: at, message: `unknown operator; use one of ${[...FIELD_OPS].join(', ')}` });
    } else if (['$in', '$nin', '$all'].includes(op) && !Array.isArray(arg)) {
      out.push({ path: at, message: `${op} takes a list, e.g. ["NL", "BE"]` });
    } else if (op === '$exists' && typeof arg !== 'boolean') {
      out.push({ path: at, message: '$exists takes true or false' });
    } else if (op === '$regex') {
      try {
        new RegExp(String(arg), typeof ops.$options === 'string' ? ops.$options : undefined);
      } catch {
        out.push({ path: at, message: 'not a valid regular expression' });
      }
    } else if (op === '$not' && isPlainObject(arg)) {
      checkOperators(arg, at, out);
    } else if (op === '$elemMatch' && isPlainObject(arg)) {
      checkQuery(arg, at, out, false);
    } else checkValue(arg, at, out);
  }
}

function checkQuery(q: Record<string, unknown>, path: (string | number)[], out: Issue[], top: boolean): void {
  for (const [key, value] of Object.entries(q)) {
    const at = [...path, key];
    if (GROUPS.has(key)) {
      if (!Array.isArray(value) || value.length === 0 || !value.every(isPlainObject)) {
        out.push({ path: at, message: `${key} takes a list of conditions, e.g. [{"payload.a": 1}, {"payload.b": 2}]` });
      } else value.forEach((sub, i) => checkQuery(sub as Record<string, unknown>, [...at, i], out, top));
    } else if (key.startsWith('$')) {
      out.push({
        path: at,
        message: 'unknown operator here; start with a field such as "payload.total_price", or $and/$or/$nor',
      });
    } else if (top && !FIELD_ROOTS.some((r) => key === r || key.startsWith(`${r}.`))) {
      out.push({ path: at, message: 'a field starts with "payload." or "headers.", e.g. "payload.total_price"' });
    } else if (top && key.startsWith('headers.') && key !== key.toLowerCase()) {
      out.push({ path: at, message: `header names are kept in lower case; write "${key.toLowerCase()}"` });
    } else if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
      checkOperators(value, at, out);
    } else checkValue(value, at, out);
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems with conditions, each with its path inside them; empty when they are fine. */
export function conditionIssues(conditions: Conditions): Issue[] {
  const out: Issue[] = [];
  checkQuery(conditions, [], out, true);
  if (out.length) return out;
  try {
    compileConditions(conditions);
  } catch (err) {
    out.push({ path: [], message: `these conditions cannot be used (${(err as Error).message})` });
  }
  return out;
}

/** The config's `conditions` field: checked on save, issues reported at their JSON path. */
export const conditionsSchema = z.record(z.string(), z.unknown()).superRefine((c, ctx) => {
  for (const issue of conditionIssues(c)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});
