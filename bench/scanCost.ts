/**
 * The per-message cost of paste detection, in this process, on realistic channel traffic
 * (bench/channelTraffic.ts): exactly what the message listener runs for every message before it
 * touches anything else (bot/leaks/messageText.ts findPastedKeys), against two baselines measured
 * in the same run on the same messages:
 *
 *   JSON.parse     parsing the Events API body, which Bolt does for every event anyway
 *   bare regex     the key-shape regex run on each text with no prefix check first
 *
 * Each is timed over every message, ROUNDS times after a warm-up; the median round is reported.
 */
import { performance } from 'node:perf_hooks';
import { findPastedKeys, messageTexts } from '../bot/leaks/messageText';
import { CHECKSUM_LENGTH, RANDOM_LENGTH } from '../domain/keyFormat';
import { createKeyScanner } from '../domain/keyScan';
import { channelTraffic } from './channelTraffic';

export interface ScanCost {
  messages: number;
  /** Messages holding a well-formed key, and how many keys the scan found (they must agree). */
  withKey: number;
  found: number;
  /** Messages where the prefix was seen (the regex ran), and where a key-shaped string failed its checksum. */
  prefixSeen: number;
  /** Microseconds per message (median round). */
  scanUs: number;
  jsonParseUs: number;
  bareRegexUs: number;
  meanBodyBytes: number;
}

export function measureScanCost(options: { prefix: string; envTag: string; messages: number; keyRate: number; rounds?: number }): ScanCost {
  const rounds = options.rounds ?? 15;
  const events = channelTraffic({ count: options.messages, prefix: options.prefix, envTag: options.envTag, keyRate: options.keyRate });
  const bodies = events.map((event) => JSON.stringify({ token: 'x', team_id: 'T0BENCH', api_app_id: 'A0BENCH', event, type: 'event_callback', event_id: 'Ev0BENCH', event_time: 1_700_000_000 }));
  const texts = events.map((event) => messageTexts(event)?.texts ?? []);
  const scanner = createKeyScanner({ prefix: options.prefix });
  const shape = new RegExp(`${options.prefix}_[a-z0-9]{1,8}_[0-9A-Za-z]{${RANDOM_LENGTH}}_[0-9A-Za-z]{${CHECKSUM_LENGTH}}`);

  let found = 0;
  const scan = (): number => {
    let n = 0;
    for (const event of events) n += findPastedKeys(scanner, event).length;
    return (found = n);
  };
  const parse = (): number => {
    let n = 0;
    for (const body of bodies) n += (JSON.parse(body) as { event: object }).event ? 1 : 0;
    return n;
  };
  const bare = (): number => {
    let n = 0;
    for (const list of texts) for (const text of list) if (shape.test(text)) n += 1;
    return n;
  };
  // Rounds interleave the three, so a burst of load on a shared machine hits them alike.
  const runs = [scan, parse, bare];
  for (let i = 0; i < 3; i++) runs.forEach((run) => run());
  const times = runs.map(() => [] as number[]);
  for (let i = 0; i < rounds; i++) {
    runs.forEach((run, r) => {
      const start = performance.now();
      run();
      times[r]?.push(((performance.now() - start) * 1000) / events.length);
    });
  }
  const [scanUs, jsonParseUs, bareRegexUs] = times.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)] as number) as [number, number, number];
  const needle = `${options.prefix}_`;
  return {
    messages: events.length,
    withKey: texts.filter((list) => list.some((t) => shape.test(t) && scanner.findKeys([t]).length > 0)).length,
    found,
    prefixSeen: texts.filter((list) => list.some((t) => t.includes(needle))).length,
    scanUs,
    jsonParseUs,
    bareRegexUs,
    meanBodyBytes: bodies.reduce((sum, b) => sum + Buffer.byteLength(b), 0) / bodies.length,
  };
}
