/**
 * The decision trail used when no workspace is open: a cache file (opened on first use, kept open)
 * whose hash-chained audit trail receives every decision made without a database, so none is
 * recorded nowhere. Nothing is queued for delivery: no database is known.
 */
import type { Decision } from '../../../shared/constitution';
import type { Clock } from '../clock';
import { Cache } from './cache';

export class LocalDecisionTrail {
  private cache: Cache | null = null;

  constructor(
    readonly path: string,
    private readonly clock: Clock,
  ) {}

  record(decision: Decision): void {
    this.cache ??= Cache.open(this.path, { clock: this.clock });
    this.cache.appendDecision(decision, { enqueue: false });
  }

  close(): void {
    this.cache?.close();
    this.cache = null;
  }
}
