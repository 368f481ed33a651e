// The languages a "Run my own script" recipe can start from (README "Recipes"):
// the engine writes the starter file (electron/engine/actions/script/starters.ts),
// the renderer offers the choice.
export const STARTER_LANGUAGES = ['python', 'node', 'powershell', 'shell'] as const;
export type StarterLanguage = (typeof STARTER_LANGUAGES)[number];

/** Names shown to owners, per language. */
export const STARTER_LABELS: Record<StarterLanguage, string> = {
  python: 'Python',
  node: 'Node.js',
  powershell: 'PowerShell',
  shell: 'Shell (sh)',
};
