/** A stored checklist is read back as it was recorded; a strange or hand-edited row never reads as passed. */
import { describe, expect, it } from 'vitest';
import { checkItemsOf } from '../../src/main/core/api/deployments';

describe('stored pre-deployment checklist items', () => {
  it('keep what was recorded', () => {
    const items = [
      { id: 'tests', title: 'All tests passing (unit + E2E)', status: 'passed', detail: 'asserted by ci', assertedBy: 'ci' },
      { id: 'migrations', title: 'Database migrations tested', status: 'failed', detail: 'dry run failed' },
    ];
    expect(checkItemsOf(items)).toEqual(items);
  });

  it('a missing, unknown or malformed status is "cannot check", never passed', () => {
    const read = checkItemsOf([{ id: 'tests', title: 'T', status: 'ok' }, { id: 'lint' }, 'passed', null]);
    expect(read).toHaveLength(4);
    expect(read.map((i) => i.status)).toEqual(['cannot_check', 'cannot_check', 'cannot_check', 'cannot_check']);
    expect(read[0]!.detail).toMatch(/unreadable/);
  });

  it('a report without a list of items has none', () => {
    expect(checkItemsOf(undefined)).toEqual([]);
    expect(checkItemsOf({ items: [] })).toEqual([]);
  });
});
