// Which repository or organisation a GitHub Connect acts on: the owner may paste the address
// from the browser (github.com/acme/shop, github.com/orgs/acme) rather than owner/repo; both
// mean the same hook. Anything else stays refused with the sentence naming the forms to use.
import { describe, expect, it } from 'vitest';
import { githubTarget } from '../../electron/engine/connect/github-api';

describe('githubTarget', () => {
  it.each([
    'acme/shop',
    'https://github.com/acme/shop',
    'https://github.com/acme/shop/',
    'github.com/acme/shop.git',
    'https://www.github.com/acme/shop',
  ])('%s is the repository acme/shop', (account) => {
    expect(githubTarget(account)).toEqual({ kind: 'repo', name: 'acme/shop', hooksPath: '/repos/acme/shop/hooks' });
  });

  it.each(['org:acme', 'https://github.com/orgs/acme', 'https://github.com/orgs/acme/'])(
    '%s is the organisation acme',
    (account) => {
      expect(githubTarget(account)).toEqual({ kind: 'org', name: 'org:acme', hooksPath: '/orgs/acme/hooks' });
    },
  );

  it.each(['', 'acme', 'https://github.com/acme/shop/settings/hooks', 'https://gitlab.com/acme/shop'])(
    '%j is refused with the forms to use',
    (account) => {
      expect(() => githubTarget(account)).toThrow(/owner\/repo .* or org:name/);
    },
  );
});
