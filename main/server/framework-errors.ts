// What Fastify and Node answer on their own (a URL that does not decode, a parameter over
// the router's limit, a request Node cannot parse, a body over a route's limit) answers like
// the app: the contract's envelope, the security headers, the Host check first, and never
// the caller's URL or the parser's own text echoed back.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../common/errors.js';
import { getLogger } from '../core/platform/log.js';
import { refusal, SECURITY_HEADERS, type GuardOptions } from './guard.js';
import { failure, statusFor } from './http-errors.js';

const log = getLogger('server');

/** The sentence a client gets for a request Fastify refused before any route ran. */
export function clientErrorText(err: FastifyError): { code: ErrorCode; message: string } {
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return { code: 'INVALID_INPUT', message: 'The address is not a valid URL.' };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { code: 'NOT_FOUND', message: 'Nothing is served at this address.' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        code: 'INVALID_INPUT',
        message: 'Send the input as JSON (Content-Type: application/json).',
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        code: 'INVALID_INPUT',
        message: 'The body is empty: send {} for a method without input.',
      };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { code: 'INVALID_INPUT', message: 'The body’s length is not the one announced.' };
    default:
      if (/prototype/.test(err.message))
        return {
          code: 'INVALID_INPUT',
          message: 'The body may not hold __proto__ or prototype keys.',
        };
      if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
        return { code: 'INVALID_INPUT', message: 'The body is not valid JSON.' };
      return { code: 'INVALID_INPUT', message: 'The request could not be understood.' };
  }
}

/** Fastify's `frameworkErrors`: errors found while routing, before any hook has run. */
export function frameworkErrors(opts: GuardOptions) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    reply.headers(SECURITY_HEADERS);
    const why = refusal(req, opts);
    const { code, message } = why
      ? { code: 'FORBIDDEN' as const, message: why }
      : clientErrorText(err);
    log.debug({ code: err.code }, 'request refused by the router');
    return reply.code(statusFor(code)).send(failure(code, message));
  };
}

const CLIENT_ERRORS: Record<string, { status: number; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive.' },
  HPE_HEADER_OVERFLOW: { status: 431, message: 'The request’s headers are too large.' },
};

/**
 * Node's 'clientError': a request that could not even be parsed. There is no Host to check
 * and no request to route; the answer is written on the socket, which is then closed.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const known = CLIENT_ERRORS[err.code ?? ''];
  const status = known?.status ?? 400;
  const body = JSON.stringify(
    failure('INVALID_INPUT', known?.message ?? 'The request could not be understood.'),
  );
  const headers = {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  log.debug({ code: err.code }, 'unparseable request');
  if (socket.writable) {
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join('\r\n')}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
