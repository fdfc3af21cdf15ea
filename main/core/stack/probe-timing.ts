// A probe's result and its deadline: every probe of the stack's health runs through timed(),
// so one hung service cannot stall a round, and a failure shows what the server said.

export interface ProbeResult {
  name: string;
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export async function timed(
  name: string,
  timeoutMs: number,
  fn: (signal: AbortSignal) => Promise<void>,
): Promise<ProbeResult> {
  const started = performance.now();
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(ac.signal),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          ac.abort();
          reject(new Error(`no answer within ${timeoutMs} ms`));
        }, timeoutMs);
      }),
    ]);
    return { name, ok: true, latencyMs: round(performance.now() - started) };
  } catch (err) {
    return {
      name,
      ok: false,
      latencyMs: round(performance.now() - started),
      error: libraryErrorLine(err),
    };
  } finally {
    clearTimeout(timer);
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

// A client library's own error (pg, ioredis, nodemailer's SMTP answer), before it is any
// of Maildock's codes: the probe row shows what the server said. Errors that are data
// ({code, message, fields}) are put in words by common/error-words.ts instead.
function libraryErrorLine(err: unknown): string {
  const e = err as { code?: string; message?: string; responseText?: string };
  return (
    e.responseText ??
    (e.code && !e.message?.includes(e.code) ? `${e.code}: ${e.message}` : e.message) ??
    String(err)
  );
}
