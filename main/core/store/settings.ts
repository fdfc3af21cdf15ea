// Settings kept as one JSON value per group, the same over every engine.
import type { z } from 'zod';
import type { SettingsRepository } from './repositories.js';

/**
 * A group of settings kept as one JSON value: what is stored (as far as `schema` accepts
 * it) over `defaults`, with `patch` applied; saved when the patch has fields. An
 * unreadable value reads as the defaults until the next change writes it anew.
 */
export async function patchJson<T extends object>(
  settings: SettingsRepository,
  key: string,
  schema: z.ZodType<Partial<T>>,
  defaults: T,
  patch: Partial<T> = {},
): Promise<T> {
  let saved: unknown = {};
  try {
    saved = JSON.parse((await settings.get(key)) ?? '{}');
  } catch {
    saved = {};
  }
  const stored = schema.safeParse(saved);
  const next = { ...defaults, ...(stored.success ? stored.data : {}), ...patch };
  if (Object.keys(patch).length > 0) await settings.set(key, JSON.stringify(next));
  return next;
}
