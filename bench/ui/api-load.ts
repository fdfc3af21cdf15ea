// The contract over HTTP as a client uses it: one call at a time, `message.list` (a page of
// 50 somewhere in the folder), `message.get` (a message picked at random) and
// `message.search` in turn, each timed from the request to the parsed answer.

export type Call = (method: string, body: unknown) => Promise<unknown>;

export function apiClient(base: string, token: string): Call {
  return async (method, body) => {
    const res = await fetch(`${base}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { ok: boolean; value?: unknown; error?: unknown };
    if (!json.ok) throw new Error(`${method}: ${JSON.stringify(json.error)}`);
    return json.value;
  };
}

/** Every message id of a folder, newest first, by pages of 1,000. */
export async function folderIds(call: Call, mailboxId: number): Promise<number[]> {
  const ids: number[] = [];
  let before: number | null | undefined;
  do {
    const page = (await call('message.list', {
      mailboxId,
      limit: 1000,
      ...(before ? { before } : {}),
    })) as { messages: { id: number }[]; nextBefore: number | null };
    ids.push(...page.messages.map((m) => m.id));
    before = page.nextBefore;
  } while (before);
  return ids;
}

export interface Sample {
  method: string;
  ms: number;
  /** When the call started (epoch ms). */
  at: number;
}

export const API_METHODS = ['message.list', 'message.get', 'message.search'] as const;

/**
 * Up to `perMethod` calls of each, in turn, while `going()` holds, `pauseMs` apart (a UI
 * asks now and then; it does not hammer). Seeded, so that two runs ask for the same messages.
 */
export async function apiLoad(opts: {
  call: Call;
  mailboxId: number;
  ids: number[];
  queries: string[];
  perMethod: number;
  going?: () => boolean;
  pauseMs?: number;
}): Promise<Sample[]> {
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const { call, ids } = opts;
  const samples: Sample[] = [];
  for (let i = 0; i < opts.perMethod * API_METHODS.length; i++) {
    if (opts.going && !opts.going()) break;
    const method = API_METHODS[i % API_METHODS.length]!;
    const body =
      method === 'message.list'
        ? { mailboxId: opts.mailboxId, limit: 50, before: ids[random(ids.length)] }
        : method === 'message.get'
          ? { id: ids[random(ids.length)] }
          : { query: opts.queries[random(opts.queries.length)], limit: 50 };
    const at = Date.now();
    const t0 = performance.now();
    await call(method, body);
    samples.push({ method, ms: performance.now() - t0, at });
    if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
  }
  return samples;
}
