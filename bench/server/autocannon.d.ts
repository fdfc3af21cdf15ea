// The part of autocannon the server bench uses (it ships no types of its own): a run is an
// event emitter that also settles, as a promise, to its result.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  export interface Request {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }
  export interface Options {
    url: string;
    connections?: number;
    /** Requests per second from each connection (paced); unpaced without. */
    connectionRate?: number;
    duration?: number;
    pipelining?: number;
    timeout?: number;
    requests?: (Request & { setupRequest?: (req: Request) => Request })[];
  }
  export interface Result {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number; average: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
  }
  export interface Run extends EventEmitter, PromiseLike<Result> {
    stop(): void;
  }
  export default function autocannon(opts: Options): Run;
}
