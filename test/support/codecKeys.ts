/**
 * TEMPORAL_CODEC_KEYS's value for tests: one fixed 32-byte key, id test1. The encrypted histories in
 * test/workflows/histories were recorded under it, so it must never change.
 */
export const CODEC_KEYS = [{ id: 'test1', key: Buffer.alloc(32, 7) }];
