// A folder's messages read straight from the test Dovecot over IMAP, as another client
// would see them: each message's raw source, oldest first.
import { ImapFlow } from 'imapflow';

export async function folderSources(
  port: number,
  who: { user: string; password: string },
  path: string,
): Promise<Buffer[]> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: false,
    auth: { user: who.user, pass: who.password },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  const out: Buffer[] = [];
  try {
    const lock = await client.getMailboxLock(path);
    try {
      if ((client.mailbox as { exists: number }).exists > 0) {
        for await (const m of client.fetch('1:*', { source: true })) out.push(m.source!);
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return out;
}
