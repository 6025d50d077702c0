/**
 * Encrypts every workflow payload before it leaves keyops (arguments, results, signals, updates,
 * memos, activity inputs), so that names, reasons and Slack ids are not readable in Temporal's
 * history, its database or its Web UI. After the Temporal sample's EncryptionCodec:
 *
 *   data     = IV (12 bytes) | AES-256-GCM ciphertext of the whole Payload (protobuf) | tag (16)
 *   metadata = { encoding: "binary/encrypted", "encryption-key-id": <key id> }
 *
 * The key id is the GCM's additional data too, so a payload cannot be passed off under another
 * key's name. Several keys are accepted (TEMPORAL_CODEC_KEYS): the first encrypts, every one
 * decrypts, so a key rotates by putting a new one first and dropping the old one once no open
 * workflow's history holds it. Payloads not encrypted (histories from before the codec) pass through.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

export interface CodecKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;
  private readonly current: CodecKey;

  constructor(keys: readonly CodecKey[]) {
    const [first] = keys;
    if (!first) throw new Error('the payload codec needs at least one key');
    this.current = first;
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv).setAAD(Buffer.from(this.current.id));
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: Buffer.from(this.current.id) }, data };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString() !== ENCRYPTED_ENCODING) return payload;
      const idBytes = payload.metadata?.[KEY_ID_METADATA];
      if (!idBytes || !payload.data) throw new ValueError('encrypted payload without a key id or data');
      const id = Buffer.from(idBytes).toString();
      const key = this.keys.get(id);
      if (!key) throw new ValueError(`payload encrypted with key id "${id}", which TEMPORAL_CODEC_KEYS does not hold`);
      const data = Buffer.from(payload.data);
      if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError('encrypted payload too short');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES)).setAAD(Buffer.from(id));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new ValueError(`payload under key id "${id}" does not decrypt: altered, or another key with that id`);
      }
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
