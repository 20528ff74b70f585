/**
 * A windowed table: only the rows inside the viewport (plus a small overscan) are in the DOM, so a
 * list of any length scrolls smoothly. Rows have a fixed height; the body's scroll height is
 * rows × rowHeight. When the user scrolls near the end of the loaded rows and `hasMore` is set,
 * `onEndReached` asks the owner for the next page (keyset paging), so nothing is loaded up front.
 *
 * Keyboard: rows are focusable; ↑/↓ move between rows, Home/End jump, Enter or Space opens one.
 */
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface VirtualColumn<T> {
  id: string;
  header: string;
  /** A CSS grid track, e.g. '160px' or 'minmax(200px, 1fr)'. */
  width: string;
  render: (row: T) => ReactNode;
}

export interface VirtualTableProps<T> {
  rows: readonly T[];
  columns: readonly VirtualColumn<T>[];
  rowKey: (row: T) => string | number;
  ariaLabel: string;
  rowHeight?: number;
  /** More rows exist after the loaded ones. */
  hasMore: boolean;
  /** A page is being fetched (shows a loading row at the end). */
  loading: boolean;
  /** Called when the viewport comes within `threshold` rows of the end and `hasMore`. */
  onEndReached: () => void;
  onRowActivate?: (row: T) => void;
  selectedKey?: string | number | null;
  /** Shown instead of rows when there are none and nothing is loading. */
  empty?: ReactNode;
  /** Any value: when it changes, the table scrolls back to the top (e.g. a new filter). */
  resetKey?: string;
  threshold?: number;
  overscan?: number;
  testId?: string;
  /** Told whether the reader is at the top of the list (a live list follows new rows only then). */
  onAtTopChange?: (atTop: boolean) => void;
}

export function VirtualTable<T>({
  rows,
  columns,
  rowKey,
  ariaLabel,
  rowHeight = 32,
  hasMore,
  loading,
  onEndReached,
  onRowActivate,
  selectedKey = null,
  empty,
  resetKey,
  threshold = 40,
  overscan = 8,
  testId,
  onAtTopChange,
}: VirtualTableProps<T>) {
  const bodyRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(600);
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  const [seenResetKey, setSeenResetKey] = useState(resetKey);

  // A new result set starts at the top (adjusting state during render, the React way).
  if (seenResetKey !== resetKey) {
    setSeenResetKey(resetKey);
    setScrollTop(0);
    setFocusIndex(null);
  }

  useEffect(() => {
    if (bodyRef.current) bodyRef.current.scrollTop = 0;
  }, [resetKey]);

  useEffect(() => {
    const el = bodyRef.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setViewportHeight(el.clientHeight || 600));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const atTop = scrollTop < rowHeight;
  useEffect(() => {
    onAtTopChange?.(atTop);
  }, [atTop, onAtTopChange]);

  const count = rows.length;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);

  useEffect(() => {
    if (hasMore && !loading && last >= count - threshold) onEndReached();
  }, [hasMore, loading, last, count, threshold, onEndReached]);

  useEffect(() => {
    if (focusIndex === null) return;
    const el = bodyRef.current?.querySelector<HTMLElement>(`[data-index="${focusIndex}"]`);
    el?.focus({ preventScroll: true });
  }, [focusIndex, first, last]);

  function moveFocus(index: number) {
    const target = Math.max(0, Math.min(count - 1, index));
    const body = bodyRef.current;
    if (body) {
      const top = target * rowHeight;
      if (top < body.scrollTop) body.scrollTop = top;
      else if (top + rowHeight > body.scrollTop + body.clientHeight) body.scrollTop = top + rowHeight - body.clientHeight;
      setScrollTop(body.scrollTop);
    }
    setFocusIndex(target);
  }

  function onRowKey(e: KeyboardEvent<HTMLDivElement>, index: number, row: T) {
    const page = Math.max(1, Math.floor(viewportHeight / rowHeight) - 1);
    switch (e.key) {
      case 'ArrowDown':
        moveFocus(index + 1);
        break;
      case 'ArrowUp':
        moveFocus(index - 1);
        break;
      case 'PageDown':
        moveFocus(index + page);
        break;
      case 'PageUp':
        moveFocus(index - page);
        break;
      case 'Home':
        moveFocus(0);
        break;
      case 'End':
        moveFocus(count - 1);
        break;
      case 'Enter':
      case ' ':
        onRowActivate?.(row);
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  const template = columns.map((c) => c.width).join(' ');
  const visible: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const row = rows[i];
    const key = rowKey(row);
    const selected = selectedKey !== null && key === selectedKey;
    visible.push(
      <div
        key={key}
        role="row"
        aria-rowindex={i + 2}
        aria-selected={selected}
        data-index={i}
        data-testid="vt-row"
        tabIndex={focusIndex === i || (focusIndex === null && i === first) ? 0 : -1}
        className={selected ? 'vt-row selected' : 'vt-row'}
        style={{ top: i * rowHeight, height: rowHeight, gridTemplateColumns: template }}
        onClick={() => {
          setFocusIndex(i);
          onRowActivate?.(row);
        }}
        onKeyDown={(e) => onRowKey(e, i, row)}
      >
        {columns.map((c) => (
          <div role="gridcell" key={c.id} className={`vt-cell vt-col-${c.id}`}>
            {c.render(row)}
          </div>
        ))}
      </div>,
    );
  }

  return (
    <div className="vt" role="grid" aria-readonly="true" aria-label={ariaLabel} aria-rowcount={hasMore ? -1 : count + 1} aria-busy={loading} data-testid={testId}>
      <div className="vt-head" role="rowgroup">
        <div className="vt-row vt-header" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
          {columns.map((c) => (
            <div role="columnheader" key={c.id} className={`vt-cell vt-col-${c.id}`}>
              {c.header}
            </div>
          ))}
        </div>
      </div>
      <div className="vt-body" role="rowgroup" ref={bodyRef} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        <div className="vt-spacer" style={{ height: count * rowHeight + (loading || hasMore ? rowHeight : 0) }}>
          {visible}
          {loading || hasMore ? (
            <div className="vt-row vt-more" style={{ top: count * rowHeight, height: rowHeight }} aria-hidden="true">
              {loading ? 'Loading…' : 'Scroll for more'}
            </div>
          ) : null}
        </div>
        {count === 0 && !loading ? <div className="vt-empty">{empty}</div> : null}
      </div>
    </div>
  );
}
