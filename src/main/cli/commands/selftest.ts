/** `roman selftest` — the manual's Constitutional Core self-test banner; exit 1 if a test fails. */
import { runSelfTest } from '../../core/constitution';
import { EXIT, type CliCommand } from '../io';

export const command: CliCommand = {
  usage: 'usage: roman selftest   (no options; exit 0, or 1 if a test fails)',
  summary: 'Run the Constitutional Core self-test (exit 1 if the core is compromised)',
  async run(io) {
    if (io.args.length > 0) {
      io.stderr(`roman selftest takes no arguments (got ${io.args.join(' ')})\n`);
      return EXIT.invalid;
    }
    const report = runSelfTest();
    io.stdout(report.lines.join('\n') + '\n');
    return report.passed ? EXIT.ok : EXIT.rejected;
  },
};
