// Starter scripts for the "Run my own script" recipe (README "Recipes"): a small,
// commented program per language that reads the event envelope from stdin
// (ARCHITECTURE.md "Contract: agent scripts"), prints what it got and exits 0.
// Written once into DATA_DIR/scripts/; an existing file is the owner's and is never overwritten.
import { constants } from 'node:fs';
import { chmod, mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import type { StarterLanguage } from '../../../../shared/starters';

/** The folder under DATA_DIR that holds starter scripts. */
export const STARTER_DIR = 'scripts';

const STARTERS: Record<StarterLanguage, { file: string; text: string }> = {
  python: {
    file: 'my-automation.py',
    text: `#!/usr/bin/env python3
# Hookdock runs this for each matching event. The event arrives as JSON on stdin:
# {"id","source","provider","type","receivedAt","headers":{...},"payload":...}
# Exit 0 when done; anything else is retried. HOOKDOCK_EVENT_ID is a safe idempotency key.
import json, os, sys

event = json.load(sys.stdin)
print(f"Got {event['type']} from {event['source']} (event {os.environ.get('HOOKDOCK_EVENT_ID')})")
# Your work here, e.g. event["payload"]["amount"]
`,
  },
  node: {
    file: 'my-automation.js',
    text: `// Hookdock runs this for each matching event. The event arrives as JSON on stdin:
// {"id","source","provider","type","receivedAt","headers":{...},"payload":...}
// Exit 0 when done; anything else is retried. HOOKDOCK_EVENT_ID is a safe idempotency key.
let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const event = JSON.parse(input);
  console.log(\`Got \${event.type} from \${event.source} (event \${process.env.HOOKDOCK_EVENT_ID})\`);
  // Your work here, e.g. event.payload.amount
});
`,
  },
  powershell: {
    file: 'my-automation.ps1',
    text: `# Hookdock runs this for each matching event. The event arrives as JSON on stdin:
# {"id","source","provider","type","receivedAt","headers":{...},"payload":...}
# Exit 0 when done; anything else is retried. $env:HOOKDOCK_EVENT_ID is a safe idempotency key.
$event = [Console]::In.ReadToEnd() | ConvertFrom-Json
Write-Output "Got $($event.type) from $($event.source) (event $env:HOOKDOCK_EVENT_ID)"
# Your work here, e.g. $event.payload.amount
exit 0
`,
  },
  shell: {
    file: 'my-automation.sh',
    text: `#!/bin/sh
# Hookdock runs this for each matching event. The event arrives as JSON on stdin
# (and in the file named by $HOOKDOCK_EVENT_FILE).
# Exit 0 when done; anything else is retried. $HOOKDOCK_EVENT_ID is a safe idempotency key.
echo "Got $HOOKDOCK_EVENT_TYPE from $HOOKDOCK_SOURCE (event $HOOKDOCK_EVENT_ID)"
cat > /dev/null
# Your work here.
`,
  },
};

/**
 * Writes the starter script for `language` into `<dataDir>/scripts/` (mode 0755) unless a
 * file of that name is already there, which is kept untouched. Returns its absolute path.
 * Throws the file system's error when the folder cannot be written.
 */
export async function writeStarterScript(
  dataDir: string,
  language: StarterLanguage,
): Promise<{ path: string; created: boolean }> {
  const dir = path.join(dataDir, STARTER_DIR);
  await mkdir(dir, { recursive: true });
  const { file, text } = STARTERS[language];
  const target = path.join(dir, file);
  let handle;
  try {
    handle = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o755);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { path: target, created: false };
    throw err;
  }
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(target, 0o755); // the umask may have taken the execute bits
  return { path: target, created: true };
}
