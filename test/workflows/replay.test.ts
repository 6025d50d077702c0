/**
 * Workflows started by an earlier release must keep running after a deploy: their histories are
 * replayed against today's workflow code, and any change that would make them non-deterministic
 * (a step added, dropped or reordered without `patched`) fails here before it fails in production.
 *
 * The histories in ./histories were recorded from complete runs of the release named in the file
 * name (keyRequest v1: record, create and offer as three local activities; the rotation-v1 pair:
 * a rotation whose grace began when the new key's display ended, before rotation-grace-from-reveal),
 * on the time-skipping server with mocked activities. Add one whenever a workflow's steps change
 * behind a patch.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../support/temporal';

const HISTORIES = path.join(__dirname, 'histories');

describe('workflow histories from earlier releases', () => {
  const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

  it('are there to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  it.each(files)('%s replays on the current code', async (file) => {
    const history = temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')));
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file)).resolves.toBeUndefined();
  });
});
