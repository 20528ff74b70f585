/**
 * A settings backend on a JSON file (browser host, tests). Writes are atomic (temporary file +
 * rename), so a crash never leaves half a file; a damaged file is reported, not silently reset.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SettingsBackend } from './settings';

export class JsonFileBackend implements SettingsBackend {
  private data: Record<string, unknown>;

  constructor(private readonly path: string) {
    if (!existsSync(path)) {
      this.data = {};
      return;
    }
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
      this.data = parsed as Record<string, unknown>;
    } catch (err) {
      throw new Error(`Settings file ${path} is damaged (${(err as Error).message}); fix or move it away.`);
    }
  }

  get(key: string): unknown {
    return this.data[key];
  }

  set(key: string, value: unknown): void {
    this.data = { ...this.data, [key]: value };
    this.flush();
  }

  delete(key: string): void {
    if (!(key in this.data)) return;
    const next = { ...this.data };
    delete next[key];
    this.data = next;
    this.flush();
  }

  private flush(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 2), { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}
