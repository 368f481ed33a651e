// Turns node:util parseArgs errors into one sentence a person can act on.
// parseArgs' own text ("To specify a positional argument starting with a '-',
// place it at the end of the command after '--' ...") is written for programmers.

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two short strings. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}

/** The known option closest to `typed` (both without dashes), or null when none is near (distance > 2). */
export function closestOption(typed: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const name of known) {
    const distance = editDistance(typed.toLowerCase(), name);
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  // A prefix ("--dash") is also a clear intent.
  const prefixed = known.find((name) => typed.length >= 3 && name.startsWith(typed.toLowerCase()));
  if (bestDistance <= Math.min(2, Math.floor(typed.length / 2))) return best;
  return prefixed ?? null;
}

/**
 * The one-sentence explanation of a parseArgs error (codes ERR_PARSE_ARGS_UNKNOWN_OPTION,
 * ERR_PARSE_ARGS_INVALID_OPTION_VALUE, ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL, per Node's util.parseArgs docs).
 * `known` are the long option names without dashes; `command` is how the help is reached ("hookdock serve").
 */
export function explainArgsError(err: unknown, known: readonly string[], command = 'hookdock serve'): string {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  const help = `See ${command} --help.`;
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = quoted.split('=')[0]!;
    const guess = option.startsWith('--') ? closestOption(option.slice(2), known) : null;
    return `Unknown option ${option}.${guess ? ` Did you mean --${guess}?` : ''} ${help}`;
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /--[a-z-]+/.exec(quoted)?.[0] ?? quoted;
    if (/argument missing/.test(message))
      return `Option ${option} needs a value, e.g. ${option} ${example(option)}. ${help}`;
    return `Option ${option} takes no value. ${help}`;
  }
  return `${message.split('\n')[0]!.replace(/\.?$/, '.')} ${help}`;
}

function example(option: string): string {
  if (/port/.test(option)) return '8787';
  if (option === '--data-dir') return './data';
  if (option === '--tunnel') return 'none';
  if (option === '--host') return '127.0.0.1';
  return 'VALUE';
}
