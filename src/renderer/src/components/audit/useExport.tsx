/**
 * The Audit log page's export of the current filter, of any size, streamed to a file the user
 * chooses: in the Electron app a save dialog in the main process (`window.roman.exportToFile`), in
 * the browser host the browser's own download of a one-time link. Either way the core reports rows
 * written as 'store.exportProgress' events; the page shows them, then the final count and size, or
 * why the export failed.
 */
import { useEffect, useRef, useState } from 'react';
import { CallError, roman, startHostDownload, subscribe } from '../../api';
import type { ExportProgress } from '../../../../shared/api/store';
import type { HandlerInput } from '../../../../shared/api';
import { formatBytes, formatCount } from './format';

type RecordFilter = Omit<HandlerInput<'store.export'>, 'format' | 'maxRows'>;
type Format = 'csv' | 'jsonl';

export interface ExportState {
  format: Format;
  state: 'starting' | 'running' | 'done' | 'failed';
  rows: number;
  bytes: number;
  /** Electron: the chosen file; browser: the downloaded file's name. */
  file: string | null;
  message: string | null;
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function useExport(): { exp: ExportState | null; busy: boolean; start(format: Format, filter: RecordFilter): Promise<void> } {
  const [exp, setExp] = useState<ExportState | null>(null);
  const current = useRef<string | null>(null);

  useEffect(
    () =>
      subscribe('store.exportProgress', (p: ExportProgress) => {
        if (p.exportId !== current.current) return;
        setExp((e) => {
          if (!e || e.state === 'done' || e.state === 'failed') return e;
          if (p.state === 'running') return { ...e, state: 'running', rows: p.rows, bytes: p.bytes };
          if (p.state === 'done') return { ...e, state: 'done', rows: p.rows, bytes: p.bytes, file: e.file ?? p.fileName };
          return { ...e, state: 'failed', rows: p.rows, bytes: p.bytes, message: p.message };
        });
      }),
    [],
  );

  async function start(format: Format, filter: RecordFilter): Promise<void> {
    setExp({ format, state: 'starting', rows: 0, bytes: 0, file: null, message: null });
    try {
      if (roman.exportToFile) {
        const exportId = randomId();
        current.current = exportId;
        const r = await roman.exportToFile({ exportId, format, filter });
        if (!r.ok) throw new CallError(r.error);
        if (r.value.canceled) {
          setExp(null);
          return;
        }
        const { path, rows, bytes } = r.value;
        setExp({ format, state: 'done', rows, bytes, file: path, message: null });
      } else {
        current.current = null;
        // Events for this export start only once the browser fetches the link (after this returns).
        const exportId = await startHostDownload({ format, filter });
        current.current = exportId;
        // The link is valid for 60 s: a browser that never fetched it (a blocked download) is said so.
        setTimeout(() => {
          if (current.current !== exportId) return;
          setExp((e) =>
            e?.state === 'starting' ? { ...e, state: 'failed', message: 'the browser did not start the download (was it blocked?); try again' } : e,
          );
        }, 65_000);
      }
    } catch (err) {
      const message = err instanceof CallError ? err.error.message : err instanceof Error ? err.message : String(err);
      setExp({ format, state: 'failed', rows: 0, bytes: 0, file: null, message });
    }
  }

  return { exp, busy: exp !== null && (exp.state === 'starting' || exp.state === 'running'), start };
}

const LABEL: Record<Format, string> = { csv: 'CSV', jsonl: 'JSON lines' };

export function ExportStatus({ exp }: { exp: ExportState | null }) {
  if (!exp) return null;
  const records = `${formatCount(exp.rows)} record${exp.rows === 1 ? '' : 's'}`;
  if (exp.state === 'failed') {
    return (
      <p className="error" role="alert" data-testid="export-error">
        Export failed: {exp.message}
        {exp.rows > 0 ? ` (after ${records}; the file is incomplete)` : ''}
      </p>
    );
  }
  if (exp.state === 'done') {
    return (
      <p className="audit-notice" data-testid="export-result" role="status">
        Exported {records} as {LABEL[exp.format]} ({formatBytes(exp.bytes)}){exp.file ? ` to ${exp.file}` : ''}.
      </p>
    );
  }
  return (
    <p className="audit-notice" data-testid="export-progress" role="status" aria-live="polite">
      {exp.state === 'starting' ? `Starting the ${LABEL[exp.format]} export…` : `Exporting ${LABEL[exp.format]}… ${records} written (${formatBytes(exp.bytes)})`}
    </p>
  );
}
