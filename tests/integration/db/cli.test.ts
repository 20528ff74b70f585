import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

const root = join(__dirname, '../../..');
function roman(args: string[]) {
  const r = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/main/cli/roman.ts'), ...args], { encoding: 'utf8', cwd: root, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('roman_dbcli');
});
afterAll(async () => {
  await db.drop();
});

describe('roman db init', () => {
  it('prints what it created, then that nothing was needed, as JSON', () => {
    const first = roman(['db', 'init', '--db', db.url, '--json']);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.created).toContain('table public.system_logs');
    const second = roman(['db', 'init', '--db', db.url]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Created: nothing \(everything was already in place\)/);
  });

  it('exits 2 with a clear message for a bad URL, without echoing the password', () => {
    const r = roman(['db', 'init', '--db', 'mysql://root:hunter2@db/app']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unsupported URL scheme "mysql"/);
    expect(r.stderr).not.toMatch(/hunter2/);
    expect(roman(['db', 'init']).code).toBe(2);
    expect(roman(['db', 'frobnicate']).stderr).toMatch(/unknown subcommand "frobnicate"/);
  });

  it('exits 4 with a clear message when the server is unreachable', () => {
    const r = roman(['db', 'init', '--db', 'postgres://admin:hunter2@127.0.0.1:1/app']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/cannot reach postgres:\/\/admin@127\.0\.0\.1:1\/app: connect ECONNREFUSED/);
    expect(r.stderr).not.toMatch(/hunter2/);
  });
});
