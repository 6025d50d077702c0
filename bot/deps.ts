import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import type { Policy } from '../domain/policy';
import type { Logger } from '../runtime/log';
import type { KeyLifecycles } from '../temporal/keyLifecycles';
import type { RoleResolver } from './access/roles';

/** What listeners may use: the store to read (and audit), Temporal to start and update workflows. */
export interface BotDeps {
  db: Db;
  temporal: Client;
  policy: Policy;
  displaySeconds: number;
  clock: () => Date;
  log: Logger;
  roles: RoleResolver;
  /** To look up a pasted full key by its hash (`/apikey revoke <key>`, `/apikey rotate <key>`). */
  keyHashSecret: string;
  /** KEY_HASH_SECRET_PREVIOUS: keys hashed under these are still found by their value. */
  previousKeyHashSecrets?: readonly string[];
  /** Clicks that change a key (Extend, Keep, Rotate) are updates to its lifecycle workflow. */
  lifecycles: KeyLifecycles;
  /** The API's public address: usage messages then show a chart at a signed URL. */
  publicUrl?: string;
}
