/** Every command but `selftest` refuses to run when the Constitutional Core self-test fails. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/main/cli/roman';
import { runSelfTest } from '../../src/main/core/constitution';
import type { ComplianceResult } from '../../src/shared/constitution';

const approveEverything = (): ComplianceResult => ({ verdict: 'approve', compliant: true, violations: [], warnings: [], laws: [] });
const compromised = () => runSelfTest(approveEverything);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  return { out, err };
}

afterEach(() => vi.restoreAllMocks());

describe('self-test guard of the CLI', () => {
  it('refuses to run a command when the core is compromised, says why and exits 1', async () => {
    const { out, err } = capture();
    const code = await main(['approve', 'deploy to staging', '--entropy', '0.05', '--dry-run'], { selfTest: compromised });
    vi.restoreAllMocks();
    expect(code).toBe(1);
    expect(out.join('')).toBe('');
    expect(err.join('')).toMatch(/refusing to run: the Constitutional Core self-test failed/);
    expect(err.join('')).toMatch(/Test 2 \(Risk Violation\): ❌ FAIL/);
  });

  it('runs the command when the self-test passes', async () => {
    const { out } = capture();
    const code = await main(['approve', 'deploy to staging', '--entropy', '0.05', '--dry-run', '--json'], { selfTest: runSelfTest });
    vi.restoreAllMocks();
    expect(code).toBe(0);
    expect(JSON.parse(out.join('')).verdict).toBe('approve');
  });
});
