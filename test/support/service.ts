// A Maildock service in a temp data dir, with an account on a private Dovecot.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { MethodName, MethodOutput } from '../../common/api.js';
import { MaildockService, type ServiceOptions } from '../../main/core/service.js';
import type { DovecotServer } from './dovecot.js';

export interface TestService {
  svc: MaildockService;
  dataDir: string;
  secretKey: string;
  call<M extends MethodName>(method: M, input?: unknown): Promise<MethodOutput<M>>;
  close(): Promise<void>;
}

export async function openService(opts: Partial<ServiceOptions> = {}): Promise<TestService> {
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'maildock-data-')));
  const secretKey = opts.secretKey ?? randomBytes(32).toString('base64');
  const svc = await MaildockService.open({ timeoutMs: 5000, ...opts, dataDir, secretKey });
  return {
    svc,
    dataDir,
    secretKey,
    async call(method, input = {}) {
      const r = await svc.invoke(method, input);
      if (!r.ok)
        throw Object.assign(new Error(`${r.error.code}: ${r.error.message}`), { data: r.error });
      return r.value;
    },
    async close() {
      await svc.close();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function accountInput(server: DovecotServer, overrides: Record<string, unknown> = {}) {
  return {
    email: `${server.user}@maildock.test`,
    imap: { host: server.host, port: server.port, security: 'none', user: server.user },
    password: server.password,
    ...overrides,
  };
}
