import { METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { AesGcmPayloadCodec, KEY_ID_METADATA } from '../../../temporal/payloadCodec';

const oldKey = { id: 'k2026a', key: Buffer.alloc(32, 1) };
const newKey = { id: 'k2026b', key: Buffer.alloc(32, 2) };
const json = (value: unknown): Payload => ({ metadata: { [METADATA_ENCODING_KEY]: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) });
const text = (p: Payload): string => `${JSON.stringify(Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString()])))} ${Buffer.from(p.data ?? []).toString()}`;

describe('AES-256-GCM payload codec', () => {
  const input = json({ requesterId: 'U0SECRET', name: 'Payments exporter', reason: 'quarterly close' });

  it('hides the payload and names the key that encrypted it', async () => {
    const [encoded] = (await new AesGcmPayloadCodec([oldKey]).encode([input])) as [Payload];
    expect(text(encoded)).not.toMatch(/U0SECRET|Payments|quarterly|json\/plain/);
    expect(Buffer.from(encoded.metadata?.[KEY_ID_METADATA] ?? []).toString()).toBe('k2026a');
    expect(Buffer.from(encoded.metadata?.[METADATA_ENCODING_KEY] ?? []).toString()).toBe('binary/encrypted');
    expect(await new AesGcmPayloadCodec([oldKey]).decode([encoded])).toEqual([expect.objectContaining({ data: input.data })]);
  });

  it('rotates: the new first key encrypts, payloads under the old one still decode', async () => {
    const [underOld] = (await new AesGcmPayloadCodec([oldKey]).encode([input])) as [Payload];
    const rotated = new AesGcmPayloadCodec([newKey, oldKey]);
    const [underNew] = (await rotated.encode([input])) as [Payload];
    expect(Buffer.from(underNew.metadata?.[KEY_ID_METADATA] ?? []).toString()).toBe('k2026b');
    const decoded = await rotated.decode([underOld, underNew]);
    expect(decoded.map((p) => Buffer.from(p.data ?? []).toString())).toEqual([Buffer.from(input.data as Uint8Array).toString(), Buffer.from(input.data as Uint8Array).toString()]);
    await expect(new AesGcmPayloadCodec([newKey]).decode([underOld])).rejects.toThrow(/key id "k2026a", which TEMPORAL_CODEC_KEYS does not hold/);
  });

  it('refuses an altered payload and passes plaintext ones through', async () => {
    const codec = new AesGcmPayloadCodec([oldKey]);
    const [encoded] = (await codec.encode([input])) as [Payload];
    const data = Buffer.from(encoded.data as Uint8Array);
    data[20] = (data[20] as number) ^ 1;
    await expect(codec.decode([{ ...encoded, data }])).rejects.toThrow(/does not decrypt/);
    await expect(codec.decode([input])).resolves.toEqual([input]);
  });
});
