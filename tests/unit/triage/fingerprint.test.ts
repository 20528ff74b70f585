import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TemplateMiner, fingerprintBatch, groupingAccuracy, maskMessage } from '../../../src/main/core/triage/fingerprint';

const CORPUS = join(__dirname, '..', '..', 'fixtures', 'triage', 'corpus');

function same(messages: string[]): boolean {
  return new Set(fingerprintBatch(messages).map((r) => r.fingerprint)).size === 1;
}
function distinct(messages: string[]): boolean {
  const fps = fingerprintBatch(messages).map((r) => r.fingerprint);
  return new Set(fps).size === fps.length;
}

describe('masking', () => {
  it('masks ids, numbers, addresses, durations, hex, UUIDs and key=value values', () => {
    expect(maskMessage('Database connection failed: pool exhausted (18/20 in use, waited 5012ms)').join(' ')).toBe(
      'Database connection failed: pool exhausted (<*>/<*> in use, waited <*>)',
    );
    expect(maskMessage('Received block blk_-1608999687919862906 of size 91178 from /10.250.10.6').join(' ')).toBe(
      'Received block <*> of size <*> from /<*>',
    );
    expect(maskMessage('user=root rhost=10.0.0.1:5432 id 5f0c6a1e-9d3b-4c2a-8f1e-0a1b2c3d4e5f at 0xdeadbeef').join(' ')).toBe(
      'user=<*> rhost=<*> id <*> at <*>',
    );
    expect(maskMessage('estimated size 5.2 KB, free 317.1 KB').join(' ')).toBe('estimated size <*>, free <*>');
    expect(maskMessage('tag="View Lock", uid=1000').join(' ')).toBe('tag=<*>, uid=<*>');
    // a run of values is one value: a date printed as five tokens is one
    expect(maskMessage('connection from 24.54.76.216 at Fri Jun 17 07:07:00 2005').join(' ')).toBe('connection from <*> at <*>');
  });

  it('keeps the constant part of a token whose other part is a value', () => {
    expect(maskMessage('onExtend:1514038530000 14 0 4').join(' ')).toBe('onExtend:<*> <*>');
    expect(maskMessage('session opened for user news by (uid=0)').join(' ')).toBe('session opened for user news by (uid=<*>)');
  });
});

describe('grouping', () => {
  it('groups messages that differ only in their values, with a readable template', () => {
    const r = fingerprintBatch([
      'Database connection failed: connection pool exhausted (19/20 in use, waited 5003ms)',
      'Database connection failed: connection pool exhausted (20/20 in use, waited 5010ms)',
    ]);
    expect(r[0]!.fingerprint).toBe(r[1]!.fingerprint);
    expect(r[0]!.template).toBe('Database connection failed: connection pool exhausted (<*>/<*> in use, waited <*>)');
  });

  it('adversarial: a number inside a word is part of the word, not a reason to merge different events', () => {
    expect(distinct(['client sent invalid http2 preface', 'client sent invalid http preface header'])).toBe(true);
    expect(same(['Assigned ipv6 address fe80::1 to eth0', 'Assigned ipv6 address fe80::abcd to eth0'])).toBe(true);
    expect(same(['invalid byte sequence for encoding "UTF8": 0x9f', 'invalid byte sequence for encoding "UTF8": 0xc3'])).toBe(true);
  });

  it('adversarial: an id that looks like a word is a value (user, table, prefixed ids without digits)', () => {
    expect(same(['Invalid user webmaster from 173.234.31.186', 'Invalid user chen from 202.100.179.208', 'Invalid user pgadmin from 112.95.230.3'])).toBe(true);
    expect(same(['permission denied for table customers', 'permission denied for table invoices'])).toBe(true);
    expect(same(['Query failed for request req_rjqipivgrh: connection terminated', 'Query failed for request req_8fk2m1c0qz: connection terminated'])).toBe(true);
    expect(same(['relation "customers" does not exist', 'relation "bids" does not exist'])).toBe(true);
  });

  it('adversarial: a word that names a different event stays apart (states, verbs, methods)', () => {
    expect(
      distinct([
        '[instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] VM Started (Lifecycle Event)',
        '[instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] VM Paused (Lifecycle Event)',
        '[instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] VM Stopped (Lifecycle Event)',
      ]),
    ).toBe(true);
    expect(distinct(['10.1.1.1 "GET /v2/servers HTTP/1.1" status: 200', '10.1.1.1 "POST /v2/servers HTTP/1.1" status: 200'])).toBe(true);
    expect(distinct(['session opened for user root', 'session closed for user root'])).toBe(true);
    expect(distinct(['onReceive action: android.intent.action.SCREEN_ON', 'onReceive action: android.intent.action.SCREEN_OFF'])).toBe(true);
  });

  it('variable words: many different lowercase names in one position become a value after consolidation', () => {
    const names = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const msgs = names.flatMap((n) => [`Failed password for ${n} from 10.0.0.${n.length} port 22 ssh2`, `Failed password for ${n} from 10.0.1.9 port 2222 ssh2`]);
    expect(same(msgs)).toBe(true);
  });

  it('an optional part and a value printed with its unit do not split a pattern', () => {
    expect(
      same([
        'proxy.cse.cuhk.edu.hk:5070 close, 0 bytes sent, 0 bytes received, lifetime 00:01',
        'proxy.cse.cuhk.edu.hk:5070 close, 451 bytes sent, 18846 bytes (18.4 KB) received, lifetime <1 sec',
        'proxy.cse.cuhk.edu.hk:5070 close, 1190 bytes (1.16 KB) sent, 1671 bytes (1.63 KB) received, lifetime 00:02',
      ]),
    ).toBe(true);
  });

  it('every message of one template gets the same fingerprint, whatever arrived first (batch consistency)', () => {
    const msgs = ['Failed password for alice from 10.0.0.1 port 22 ssh2', 'Failed password for bob from 10.0.0.2 port 22 ssh2'];
    for (const n of ['carol', 'dave', 'erin', 'frank']) msgs.push(`Failed password for ${n} from 10.0.0.3 port 22 ssh2`);
    const fps = fingerprintBatch(msgs).map((r) => r.fingerprint);
    expect(new Set(fps).size).toBe(1);
  });
});

describe('variable length and event names', () => {
  it('a list of values of any length is one value, also a list of numbered names', () => {
    expect(maskMessage('en0: Supported channels 1 2 3 4 5 6 36 40 44 48 149 153').join(' ')).toBe('en0: Supported channels <*>');
    expect(maskMessage('failed to resolve data source name cn14 cn15 cn16 cn17').join(' ')).toBe('failed to resolve data source name <*>');
    // …while one word with a number stays a word
    expect(maskMessage('Link Up on eth0').join(' ')).toBe('Link Up on eth0');
    expect(
      same([
        'Warning: we failed to resolve data source name bn654 bn655 bn656 bn657 bn658',
        'Warning: we failed to resolve data source name dadmin2 dadmin3 dadmin4',
        'Warning: we failed to resolve data source name cn14 cn15 cn16 cn17 cn18 cn19 cn20',
        'Warning: we failed to resolve data source name cn142 cn143',
      ]),
    ).toBe(true);
  });

  it('a path with a space in it does not split a pattern (different lengths, same words)', () => {
    expect(
      same([
        'RRD_update (/var/lib/ganglia/rrds/C Nodes/cn776/pkts_out.rrd): illegal attempt to update using time 1131559854 when last update time is 1131559854 (minimum one second step)',
        'RRD_update (/var/lib/ganglia/rrds/D Nodes/dn731/pkts_out.rrd): illegal attempt to update using time 1131559855 when last update time is 1131559855 (minimum one second step)',
        'RRD_update (/var/lib/ganglia/rrds/unspecified/badmin3/disk_total.rrd): illegal attempt to update using time 1131559854 when last update time is 1131559854 (minimum one second step)',
      ]),
    ).toBe(true);
  });

  it('one-word messages, first words and Capitalised states name events, however many there are', () => {
    expect(distinct(['cancelAutohide', 'suspendAutohide', 'resumeSuspendedAutohide', 'closeQs', 'instantCollapse', 'querySoundEffectsEnabled...'])).toBe(true);
    expect(
      distinct(['cupsd startup succeeded', 'syslogd startup succeeded', 'klogd startup succeeded', 'irqbalance startup succeeded', 'portmap startup succeeded', 'sdpd startup succeeded']),
    ).toBe(true);
    const vm = ['Started', 'Stopped', 'Paused', 'Resumed'].map((s) => `[instance: 70c1714b-c11b-4c88-b300-239afe1f5ff8] VM ${s} (Lifecycle Event)`);
    expect(distinct(vm)).toBe(true);
  });

  it('a path or dotted name is a value, but it does not absorb a plain word in its place', () => {
    const cron = ['(root) CMD (run-parts /etc/cron.hourly)', '(root) CMD (run-parts /etc/cron.hourly)'];
    const temps = ['a', 'b', 'c', 'd', 'e'].map((x) => `(root) CMD (/projects/tbird/temps/get_temps ${x})`);
    const fps = fingerprintBatch([...cron, ...temps]).map((r) => r.fingerprint);
    expect(new Set(fps.slice(0, 2)).size).toBe(1);
    expect(new Set(fps.slice(2)).size).toBe(1);
    expect(fps[0]).not.toBe(fps[2]);
    expect(same(['Unknown base file: /var/lib/nova/instances/_base/a489c868', 'Unknown base file: /var/lib/nova/instances/_base/b12f'])).toBe(true);
  });

  it('key=value tokens with different keys name different fields (different events)', () => {
    expect(distinct(['getRecentTasks: num=20,flags=62,totalTasks=46', 'getRecentTasks: topActivity=ComponentInfo{com.example.android.notepad/com.example.NoteEditor}'])).toBe(true);
    expect(same(['getRecentTasks: num=20,flags=62,totalTasks=46', 'getRecentTasks: num=10,flags=62,totalTasks=46'])).toBe(true);
  });

  it('quoted or dotted words of one length that differ stay apart across lengths too (no skeleton merge)', () => {
    expect(distinct(["Location icon should now be in state 'Active'", "Location icon should now be in state 'Inactive'"])).toBe(true);
    expect(distinct(['onReceive action: android.intent.action.SCREEN_ON', 'onReceive action: android.intent.action.SCREEN_OFF'])).toBe(true);
  });
});

describe('online identity', () => {
  it('a pattern keeps its id across a snapshot and restore, and new messages map to it', () => {
    const a = new TemplateMiner();
    const first = a.learn('Edge function generate-bid-pdf timed out after 10000ms (invocation inv_0a1b2c3d4e5f)');
    a.learn('Edge function generate-bid-pdf timed out after 10000ms (invocation inv_9f8e7d6c5b4a)');
    const b = TemplateMiner.restore(JSON.parse(JSON.stringify(a.snapshot())));
    expect(b.learn('Edge function generate-bid-pdf timed out after 10000ms (invocation inv_112233445566)').id).toBe(first.id);
    expect(b.match('Edge function generate-bid-pdf timed out after 10000ms (invocation inv_aabbccddeeff)')?.id).toBe(first.id);
  });

  it('a later merge is recorded and the merged id still resolves to the survivor', () => {
    const m = new TemplateMiner();
    const ids = ['alice', 'bob', 'carol', 'dave'].map((u) => m.learn(`Failed password for ${u} from 10.0.0.1 port 22 ssh2`).id);
    expect(new Set(ids).size).toBe(4);
    const merges = m.consolidate();
    expect(merges.length).toBe(3);
    expect(merges.every((x) => x.into === ids[0])).toBe(true);
    for (const id of ids) expect(m.resolve(id)).toBe(ids[0]);
    expect(m.merges.map((x) => x.from).sort()).toEqual(ids.slice(1).sort());
  });

  it('ids are derived from the founding message, so two machines agree', () => {
    const a = new TemplateMiner().learn('deadlock detected: process 4242 waits for ShareLock on transaction 918273');
    const b = new TemplateMiner().learn('deadlock detected: process 17 waits for ShareLock on transaction 5');
    expect(a.id).toBe(b.id);
  });
});

describe('corpus', () => {
  it('groups the committed corpus of 12 systems with an average grouping accuracy of at least 0.85', () => {
    const scores: number[] = [];
    for (const f of readdirSync(CORPUS).filter((x) => x.endsWith('.tsv'))) {
      const rows = readFileSync(join(CORPUS, f), 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('\t')), l.slice(l.indexOf('\t') + 1)] as const);
      const fp = fingerprintBatch(rows.map((r) => r[1])).map((r) => r.fingerprint);
      scores.push(groupingAccuracy(fp, rows.map((r) => r[0])));
    }
    expect(scores.length).toBeGreaterThanOrEqual(10);
    expect(scores.reduce((a, b) => a + b, 0) / scores.length).toBeGreaterThanOrEqual(0.85);
  });

  it('grouping accuracy counts a message only when its group is exactly its true group', () => {
    expect(groupingAccuracy(['a', 'a', 'b'], ['x', 'x', 'y'])).toBe(1);
    expect(groupingAccuracy(['a', 'a', 'a'], ['x', 'x', 'y'])).toBe(0);
    expect(groupingAccuracy(['a', 'b', 'c'], ['x', 'x', 'y'])).toBeCloseTo(1 / 3);
  });
});
