/**
 * `npm run bench:triage` — how well and how fast the fingerprinter groups messages, as JSON.
 *
 * Grouping accuracy (Zhu et al. 2019: a message counts when its group holds exactly the messages of
 * its true template) per system of the committed corpus (tests/fixtures/triage/corpus), and — when
 * the folder named by TRIAGE_LOGHUB_DIR (unset: that part is skipped and says so) holds Loghub-style
 * "<EventId>\t<Content>" files — per system of that benchmark too (never committed: it stays local).
 *
 * Throughput: messages per second of the online miner (learn) on BENCH_MESSAGES messages (default
 * 200,000, the corpus repeated with fresh values), beside a raw baseline measured in the same run:
 * splitting each message on whitespace and hashing the token string (what any fingerprinter must at
 * least do). Target: ≥ 50,000 messages/s.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { TemplateMiner, fingerprintBatch, groupingAccuracy } from '../src/main/core/triage/fingerprint';

const CORPUS = join(__dirname, '..', 'tests', 'fixtures', 'triage', 'corpus');
const LOGHUB = process.env.TRIAGE_LOGHUB_DIR ?? '';
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200_000);
const log = (m: string) => process.stderr.write(`[bench:triage] ${m}\n`);

function readTsv(file: string): { truth: string[]; messages: string[] } {
  const truth: string[] = [];
  const messages: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const tab = line.indexOf('\t');
    truth.push(line.slice(0, tab));
    messages.push(line.slice(tab + 1));
  }
  return { truth, messages };
}

function accuracyOf(dir: string): { systems: Record<string, { messages: number; accuracy: number }>; average: number } | null {
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir).filter((f) => f.endsWith('.tsv')).sort();
  if (files.length === 0) return null;
  const systems: Record<string, { messages: number; accuracy: number }> = {};
  for (const f of files) {
    const { truth, messages } = readTsv(join(dir, f));
    const fp = fingerprintBatch(messages).map((r) => r.fingerprint);
    systems[f.replace(/\.tsv$/, '')] = { messages: messages.length, accuracy: Math.round(groupingAccuracy(fp, truth) * 1000) / 1000 };
    log(`${f}: ${systems[f.replace(/\.tsv$/, '')]!.accuracy}`);
  }
  const values = Object.values(systems).map((s) => s.accuracy);
  return { systems, average: Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 1000) / 1000 };
}

function throughput(): { messages: number; minerPerSecond: number; minerPerCpuSecond: number; baselinePerSecond: number; ratio: number; templates: number } {
  const base = readdirSync(CORPUS).filter((f) => f.endsWith('.tsv')).flatMap((f) => readTsv(join(CORPUS, f)).messages);
  // fresh values each round, so the shape cache is exercised like production (not one hit per line)
  const messages: string[] = new Array(MESSAGES);
  for (let i = 0; i < MESSAGES; i++) messages[i] = base[i % base.length]!.replace(/\d+/g, (d) => String((Number(d.slice(0, 9)) + i) % 1_000_000));
  let t = performance.now();
  let sink = 0;
  for (const m of messages) sink += createHash('md5').update(m.split(/\s+/).join(' ')).digest()[0]!;
  const baselineMs = performance.now() - t;
  const miner = new TemplateMiner();
  t = performance.now();
  const cpu = process.cpuUsage();
  for (const m of messages) miner.learn(m);
  miner.consolidate();
  const minerMs = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  if (sink < 0) log('impossible');
  const minerPerSecond = Math.round(MESSAGES / (minerMs / 1000));
  const baselinePerSecond = Math.round(MESSAGES / (baselineMs / 1000));
  // CPU time too: on a shared machine wall time includes waiting for a core
  const minerPerCpuSecond = Math.round(MESSAGES / (cpuMs / 1000));
  return { messages: MESSAGES, minerPerSecond, minerPerCpuSecond, baselinePerSecond, ratio: Math.round((minerPerSecond / baselinePerSecond) * 100) / 100, templates: miner.patterns().length };
}

log('grouping accuracy on the committed corpus');
const corpus = accuracyOf(CORPUS);
log(LOGHUB ? `grouping accuracy on ${LOGHUB}` : 'TRIAGE_LOGHUB_DIR is not set: the Loghub sample is skipped');
const loghub = LOGHUB ? accuracyOf(LOGHUB) : null;
log(`throughput on ${MESSAGES} messages`);
const speed = throughput();
process.stdout.write(
  JSON.stringify(
    {
      corpus,
      loghub: loghub ?? { skipped: LOGHUB ? `no benchmark files (*.tsv) in ${LOGHUB}` : 'TRIAGE_LOGHUB_DIR is not set' },
      throughput: { ...speed, target: 50_000, meetsTarget: speed.minerPerSecond >= 50_000, loadAverage1m: Math.round(loadavg()[0] * 10) / 10 },
    },
    null,
    2,
  ) + '\n',
);
