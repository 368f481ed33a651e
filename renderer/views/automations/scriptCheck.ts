// Asks the engine whether the script in the form could start (exists, is a file,
// is executable, its folder exists), as the owner types and again at save, so a
// typo is named at once instead of on the first real event.
import { useEffect, useState } from 'react';
import { getApi } from '../../api';

/** The engine's sentence about the script, or null when it looks runnable (or is not typed yet). */
export function useScriptCheck(command: string, args: string[], cwd: string | null): string | null {
  const [problem, setProblem] = useState<string | null>(null);
  const key = JSON.stringify([command.trim(), args, cwd]);
  useEffect(() => {
    if (!command.trim()) {
      setProblem(null);
      return;
    }
    let current = true;
    // A short pause while typing, so each keystroke is not a request.
    const timer = setTimeout(() => {
      void checkScript(command, args, cwd).then((p) => current && setProblem(p));
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // `key` stands for the three inputs.
  }, [key]);
  return problem;
}

/** One check now (at save). An engine that cannot be asked is no reason to block saving: null. */
export async function checkScript(command: string, args: string[], cwd: string | null): Promise<string | null> {
  try {
    return (await getApi().checkScript({ command: command.trim(), args, cwd })).problem;
  } catch {
    return null;
  }
}
