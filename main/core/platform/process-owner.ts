// This process as the owner of the outbox rows it claims (core/send/sender.ts), where the
// shells can name it too: instances write it in their heartbeats, without loading SMTP.
import { randomBytes } from 'node:crypto';
import os from 'node:os';

/**
 * This process, as written in the rows it sends: "pid:token:host". Instances of the server of
 * many people share one outbox from several machines or containers, where a pid means
 * nothing (each container's first process is pid 1): the host says whether it can be asked.
 */
export const PROCESS_OWNER = `${process.pid}:${randomBytes(6).toString('hex')}:${os.hostname()}`;
