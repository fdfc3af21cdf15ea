// worker_threads entry of MimePool: requests are parsed one after another, in the order they
// came (the pool times the one at the head), and parseBody never throws, so every request gets
// its reply.
import { parentPort } from 'node:worker_threads';
import { parseBody } from './parse.js';
import type { MimeLimits, ParseOptions, ParsedBody } from './parse.js';

export interface MimeRequest {
  id: number;
  source: Uint8Array;
  limits: Partial<MimeLimits>;
  options?: ParseOptions;
}

/** `ms`: the time the worker spent parsing it. */
export type MimeReply = { id: number; result: ParsedBody; ms: number } | { ready: true };

// mailparser's streams make Node errors on every message that ends (ending a stream that has
// ended), and each captured a stack trace: a tenth of the worker's time on plain mail. What
// the worker reports of an error is its message (parseError), never its stack.
Error.stackTraceLimit = 0;

const port = parentPort;
if (!port) throw new Error('main/core/mime/parse-worker runs only as a worker thread');

let chain: Promise<void> = Promise.resolve();
port.on('message', (req: MimeRequest) => {
  const source = Buffer.from(req.source.buffer, req.source.byteOffset, req.source.byteLength);
  chain = chain.then(() => {
    const started = performance.now();
    return parseBody(source, req.limits, req.options).then((result) =>
      port.postMessage({ id: req.id, result, ms: performance.now() - started } satisfies MimeReply),
    );
  });
});
// The pool starts a job's clock only at `ready`; a first parse loads and compiles code lazily
// (tens of ms), so it is done here rather than counted against the first real message.
const WARM_UP = [
  'Content-Type: multipart/mixed; boundary=w',
  '',
  '--w',
  'Content-Type: text/plain; charset=iso-8859-1',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'caf=E9',
  '--w',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>x</p>',
  '--w',
  'Content-Type: image/png',
  'Content-Transfer-Encoding: base64',
  '',
  'AAAA',
  '--w--',
  '',
].join('\r\n');
void parseBody(Buffer.from(WARM_UP)).then(() =>
  port.postMessage({ ready: true } satisfies MimeReply),
);
