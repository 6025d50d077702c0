/**
 * Workflows started by an earlier release must keep running after a deploy: their histories are
 * replayed against today's workflow code, and any change that would make them non-deterministic
 * (a step added, dropped or reordered without `patched`) fails here before it fails in production.
 *
 * The histories in ./histories were recorded from complete runs of the release named in the file
 * name (keyRequest v1: record, create and offer as three local activities; the rotation-v1 pair:
 * a rotation whose grace began when the new key's display ended, before rotation-grace-from-reveal),
 * on the time-skipping server with mocked activities. Add one whenever a workflow's steps change
 * behind a patch. The `-encrypted-` ones were recorded from a real journey on a real server with
 * payloads encrypted (test/e2e/encryptedHistory.test.ts, RECORD_ENCRYPTED_HISTORIES) under the
 * tests' codec key, and replay through the codec as a worker with TEMPORAL_CODEC_KEYS would.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { AesGcmPayloadCodec } from '../../temporal/payloadCodec';
import { CODEC_KEYS } from '../support/codecKeys';
import { workflowBundle } from '../support/temporal';

const HISTORIES = path.join(__dirname, 'histories');

describe('workflow histories from earlier releases', () => {
  const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

  it('are there to replay, encrypted ones among them', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(files.some((f) => f.includes('-encrypted-'))).toBe(true);
  });

  it.each(files)('%s replays on the current code', async (file) => {
    const history = temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')));
    const codec = file.includes('-encrypted-') ? { dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(CODEC_KEYS)] } } : {};
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle(), ...codec }, history, file)).resolves.toBeUndefined();
  });
});
