import type { z } from 'zod';

/** A view's private_metadata, parsed with its schema: null when it is not JSON or not that shape. */
export function parseMetadata<T>(schema: z.ZodType<T>, text: string): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
