/** Display helpers of the audit log: times, sizes and the online/offline status line. */
import type { CacheStatus } from '../../../../shared/store';
import type { WorkspaceStatus } from '../../../../shared/workspace';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local time as `YYYY-MM-DD HH:MM:SS` (sortable, fixed width for the table). */
export function formatLocalTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "3 min ago", "2 h ago", "5 d ago" (relative to `now`). */
export function formatAgo(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/** Where the status line's words come from: the workspace's connection and the cache's sync time. */
export interface StatusHeadline {
  tone: 'ok' | 'bad' | 'warn' | 'muted';
  text: string;
  /** The database's last error, when offline (e.g. "connect ECONNREFUSED 127.0.0.1:5432"). */
  detail: string | null;
}

/** "Offline since …, last synced …" / "Online, last synced …" and the cases between. */
export function statusHeadline(cache: CacheStatus, ws: WorkspaceStatus | null, now: number): StatusHeadline {
  const lastSynced = ws?.lastSyncedAt ?? cache.lastSyncedAt;
  const synced = lastSynced ? `last synced ${formatLocalTime(lastSynced)} (${formatAgo(lastSynced, now)})` : 'never synced';
  if (!ws) return { tone: 'muted', text: `Local cache, ${synced}`, detail: null };
  if (!ws.open) {
    if (ws.opening) return { tone: 'warn', text: `Opening ${ws.name ?? 'the workspace'}…, ${synced}`, detail: null };
    return { tone: 'warn', text: `No database open, ${synced}`, detail: ws.openError };
  }
  if (ws.connection === 'connected' && !ws.offlineSince) return { tone: 'ok', text: `Online, ${synced}`, detail: null };
  if (ws.offlineSince || ws.connection === 'down') {
    return { tone: 'bad', text: `Offline${ws.offlineSince ? ` since ${formatLocalTime(ws.offlineSince)}` : ''}, ${synced}`, detail: ws.lastError };
  }
  return { tone: 'warn', text: `${ws.connection === 'reconnecting' ? 'Reconnecting' : 'Connecting'}…, ${synced}`, detail: ws.lastError };
}
