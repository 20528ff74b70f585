/**
 * The workspace's problem log: background failures (scheduler jobs — sync, entropy, snapshot
 * writes —, alert rule cycles, ops.roman_events writes, notifier failures) appended as one line
 * each to `<dataDir>/logs/roman.log`, rotated by size (roman.log → roman.log.1 → … → .N, oldest
 * dropped). Messages arrive already redacted; a failing log write never breaks the app.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface ProblemLogOptions {
  /** Rotate when the file reaches this size (default 1 MiB). */
  maxBytes?: number;
  /** Rotated files kept (default 3). */
  keep?: number;
}

export class ProblemLog {
  readonly path: string;
  private readonly maxBytes: number;
  private readonly keep: number;

  constructor(dataDir: string, opts: ProblemLogOptions = {}) {
    this.path = join(dataDir, 'logs', 'roman.log');
    this.maxBytes = opts.maxBytes ?? 1024 * 1024;
    this.keep = Math.max(1, opts.keep ?? 3);
  }

  write(at: Date, source: string, message: string): void {
    const line = `${at.toISOString()} [${source}] ${message.replace(/\s*\n\s*/g, ' ')}\n`;
    try {
      mkdirSync(join(this.path, '..'), { recursive: true });
      if (existsSync(this.path) && statSync(this.path).size + line.length > this.maxBytes) this.rotate();
      appendFileSync(this.path, line, 'utf8');
    } catch {
      // The status line still shows the problem; a full disk must not crash the monitoring.
    }
  }

  private rotate(): void {
    rmSync(`${this.path}.${this.keep}`, { force: true });
    for (let i = this.keep - 1; i >= 1; i--) {
      if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    }
    renameSync(this.path, `${this.path}.1`);
  }
}
