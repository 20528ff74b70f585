/** The project-folder audit on real temporary folders; npm is a stand-in that answers like `npm outdated --json`. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProjectDirError, auditProject, envNames, type NpmOutdated } from '../../../src/main/core/audit/project';

const dir = mkdtempSync(join(tmpdir(), 'roman-project-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('auditProject', () => {
  it('reads variable names only; a value that is empty or a comment counts as not set', () => {
    expect(envNames('A=1\n# B=2\nexport C = "x"\nD=\nE=""\nF= # note\n bad line\n', true)).toEqual(['A', 'C']);
    expect(envNames('A=1\nD=\nA=2\n')).toEqual(['A', 'D']);
  });

  it('Edge Functions: outdated when npm lists packages, ok when not, unavailable with npm\'s reason', () => {
    const root = join(dir, 'p1');
    for (const f of ['old', 'fresh', 'broken', '_shared']) {
      mkdirSync(join(root, 'supabase/functions', f), { recursive: true });
      writeFileSync(join(root, 'supabase/functions', f, 'package.json'), '{}');
    }
    const npm: NpmOutdated = (d) => {
      if (d.endsWith('old')) return { status: 1, stdout: JSON.stringify({ openai: { current: '3.0.0', wanted: '3.3.0', latest: '4.20.0' } }), stderr: '' };
      if (d.endsWith('fresh')) return { status: 0, stdout: '', stderr: '' };
      return { status: 1, stdout: JSON.stringify({ error: { code: 'ENOTCACHED', summary: 'request to registry failed: cache mode is only-if-cached' } }), stderr: '' };
    };
    const r = auditProject(root, {}, npm);
    expect(r.inventory.edgeFunctions.map((f) => [f.name, f.status])).toEqual([['broken', 'unavailable'], ['fresh', 'ok'], ['old', 'outdated']]);
    expect(r.inventory.edgeFunctions[0].reason).toContain('cache mode is only-if-cached');
    expect(r.findings).toEqual([
      expect.objectContaining({
        name: 'edge_function_outdated_dependencies',
        level: 'WARN',
        detail: "Edge Function 'old' has outdated dependencies",
        remediation: 'Run `npm update` in supabase/functions/old/',
        cache_key: 'edge_function_outdated_dependencies_old',
      }),
    ]);
    expect(r.inventory.notes).toEqual(['no .env.example: environment variables not checked']);
  });

  it('a missing folder is a clear error', () => {
    expect(() => auditProject(join(dir, 'missing'), {})).toThrow(ProjectDirError);
  });
});
