import { customAlphabet } from 'nanoid';
import { BASE62 } from './keyFormat';

/** Key ids are public handles (`/apikey revoke key_…`): random, unguessable, never secret. */
const keyIdPart = customAlphabet(BASE62, 16);

export function newKeyId(): string {
  return `key_${keyIdPart()}`;
}

export const KEY_ID_RE = /^key_[0-9A-Za-z]{16}$/;

/** A request id is derived from the Slack view it was submitted from: a resubmit maps to it again. */
export function requestIdForView(viewId: string): string {
  return `kr_${viewId}`;
}

export const REQUEST_ID_RE = /^kr_[0-9A-Za-z_]{1,64}$/;
