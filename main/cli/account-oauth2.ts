// The OAuth2 sign-in of `maildock account add --oauth2` and `maildock account signin`: what
// the user must open (and the device code) goes to stderr; a manual flow then reads the code,
// or the address the browser ended on, from one line of stdin. Nothing secret is printed.
import { createInterface } from 'node:readline';
import { MaildockError } from '../../common/errors.js';
import type { OAuth2FlowKind } from '../../common/types.js';
import type { MaildockService } from '../core/service.js';
import type { Out } from './output.js';
import { call } from './run.js';

const FLOWS: readonly OAuth2FlowKind[] = ['manual', 'device', 'loopback'];

export function flowOption(v: string | undefined): OAuth2FlowKind {
  const flow = (v ?? 'manual') as OAuth2FlowKind;
  if (!FLOWS.includes(flow)) {
    throw new MaildockError('INVALID_INPUT', `--flow is one of ${FLOWS.join(', ')}.`, {
      option: '--flow',
    });
  }
  return flow;
}

async function oneLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of rl) if (line.trim()) return line.trim();
  } finally {
    rl.close();
  }
  throw new MaildockError('CANCELLED', 'No code was given.');
}

/** Runs a sign-in to its end; resolves to the finished flow's id for account.add / signin. */
export async function signInFlow(
  svc: MaildockService,
  out: Out,
  input: { email: string; provider: string; flow: OAuth2FlowKind },
): Promise<string> {
  const flow = await call(svc, 'oauth2.start', input);
  if (flow.flow === 'device') {
    out.err(`Open ${flow.url}\nand enter the code ${flow.userCode ?? ''}\n`);
    await call(svc, 'oauth2.finish', { flowId: flow.flowId });
  } else if (flow.flow === 'loopback') {
    out.err(`Open this address to sign in (Maildock waits for the browser):\n${flow.url}\n`);
    await call(svc, 'oauth2.finish', { flowId: flow.flowId });
  } else {
    out.err(
      `Open this address to sign in:\n${flow.url}\nthen paste the code, or the whole address the browser ended on:\n`,
    );
    await call(svc, 'oauth2.finish', { flowId: flow.flowId, code: await oneLine() });
  }
  return flow.flowId;
}
