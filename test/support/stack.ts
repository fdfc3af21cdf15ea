// Free loopback ports for every port setting of the local stack, all different: what a
// test or benchmark stack with host networking listens on.
import { stackPortsSchema, type StackPorts } from '../../common/stack.js';
import { freePort } from './processes.js';
import type { TestService } from './service.js';

export async function freeStackPorts(): Promise<StackPorts> {
  const out: Record<string, number> = {};
  // freePort never hands out a port twice in one process: the ports are all different.
  for (const name of Object.keys(stackPortsSchema.shape)) out[name] = await freePort();
  return out as StackPorts;
}

/** A test stack for a service: its own project, host networking on free loopback ports. */
export async function configureTestStack(
  t: TestService,
  project: string,
  healthIntervalMs: number,
): Promise<StackPorts> {
  const ports = await freeStackPorts();
  await t.call('stack.config', {
    project,
    network: 'host',
    domain: 'maildock.test',
    ports,
    healthIntervalMs,
  });
  return ports;
}
