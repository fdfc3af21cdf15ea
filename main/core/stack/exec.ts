// Docker's multiplexed output (8-byte frame headers: stream, 0, 0, 0, length) as lines, and
// running a fixed command in a container with its output captured.
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { LogLine } from '../../../common/stack.js';

/** Frames of a non-TTY log or exec stream, as [stream, bytes]. */
export function frames(buf: Buffer): [1 | 2, Buffer][] {
  const out: [1 | 2, Buffer][] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const stream = buf[i] === 2 ? 2 : 1;
    const len = buf.readUInt32BE(i + 4);
    out.push([stream, buf.subarray(i + 8, i + 8 + len)]);
    i += 8 + len;
  }
  return out;
}

/** Log output with timestamps as lines; a TTY container's output is one stdout stream. */
export function demux(buf: Buffer, tty: boolean): LogLine[] {
  const parts: [1 | 2, Buffer][] = tty ? [[1, buf]] : frames(buf);
  const lines: LogLine[] = [];
  const pending: Record<1 | 2, string> = { 1: '', 2: '' };
  const flush = (stream: 1 | 2, text: string) => {
    for (const raw of text.split('\n')) {
      if (!raw) continue;
      const sp = raw.indexOf(' ');
      const time = sp > 0 ? raw.slice(0, sp) : '';
      lines.push({
        time,
        stream: stream === 2 ? 'stderr' : 'stdout',
        text: (sp > 0 ? raw.slice(sp + 1) : raw).replace(/\r$/, ''),
      });
    }
  };
  for (const [stream, bytes] of parts) {
    const text = pending[stream] + bytes.toString('utf8');
    const cut = text.lastIndexOf('\n');
    if (cut < 0) {
      pending[stream] = text;
      continue;
    }
    flush(stream, text.slice(0, cut));
    pending[stream] = text.slice(cut + 1);
  }
  flush(1, pending[1]);
  flush(2, pending[2]);
  return lines;
}

export async function execCapture(
  container: Docker.Container,
  cmd: string[],
  stdin?: string,
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const exec = await container.exec({
    Cmd: cmd,
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: stdin !== undefined,
  });
  const stream = await exec.start({ hijack: true, stdin: stdin !== undefined });
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  err.on('data', (c: Buffer) => errChunks.push(c));
  container.modem.demuxStream(stream, out, err);
  if (stdin !== undefined) stream.end(stdin);
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  const info = await exec.inspect();
  return {
    stdout: Buffer.concat(chunks).toString('utf8'),
    stderr: Buffer.concat(errChunks).toString('utf8'),
    exitCode: info.ExitCode ?? -1,
  };
}
