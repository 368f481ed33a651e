// Says where a text is not valid JSON without quoting any of it. Node's own
// JSON.parse messages (V8 since Node 20) quote up to ~10 characters of the
// input around the fault ('Unexpected token 'w', ..."secret": whsec_1234"...
// is not valid JSON'): for config.json that is a secret pasted without quotes,
// for a store file a customer's data. jsonc-parser (Microsoft's, the one VS
// Code uses) gives the offset and the JSON path instead.
import { getLocation, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

// Keyed by printParseErrorCode's names (the enum itself is a const enum, not importable here).
const WHY: Record<string, string> = {
  InvalidSymbol: 'unexpected characters (text values go in double quotes)',
  InvalidNumberFormat: 'a number is not written correctly',
  PropertyNameExpected: 'a name in double quotes was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: 'a colon (:) was expected after the name',
  CommaExpected: 'a comma was expected',
  CloseBraceExpected: 'a closing } was expected',
  CloseBracketExpected: 'a closing ] was expected',
  EndOfFileExpected: 'there is more text after the end',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'a text value is not closed with a double quote',
  UnexpectedEndOfNumber: 'a number is cut off',
  InvalidUnicode: 'a \\u escape is not valid',
  InvalidEscapeCharacter: 'a backslash escape is not valid',
  InvalidCharacter: 'a text value holds a line break or control character',
};

/** A JSON path such as `sources[0].secret`, the way config errors name fields. */
export function formatJsonPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

/** Names longer than this are left out of a path: a name that long is pasted content, not a field. */
const MAX_NAME = 40;

/**
 * Why `text` is not JSON, as "line 4, column 15 (at sources[0].secret): unexpected
 * characters (text values go in double quotes)". Line and column are 1-based.
 * Never quotes the text; a property name is shown only when it is short and was
 * followed by its colon (a string where a name was expected may be a secret).
 * Returns null when the text is valid JSON.
 */
export function describeJsonError(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch {
    // described below, from our own parse
  }
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) {
    // jsonc-parser accepted what JSON.parse refused (never seen): say so without a position.
    return 'it is not valid JSON';
  }
  const code = printParseErrorCode(first.error);
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const column = first.offset - (before.lastIndexOf('\n') + 1) + 1;
  const where =
    code === 'ColonExpected' ? getLocation(text, first.offset).path.slice(0, -1) : getLocation(text, first.offset).path;
  const shown = where.filter((p) => typeof p === 'number' || (p.length > 0 && p.length <= MAX_NAME));
  const at = shown.length ? ` (at ${formatJsonPath(shown)})` : '';
  const why = text.trim() === '' ? 'the file is empty' : (WHY[code] ?? 'it is not valid JSON');
  return `line ${line}, column ${column}${at}: ${why}`;
}
