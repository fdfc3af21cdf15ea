// Attachments downloaded once are kept in the data folder under their content's SHA-256,
// so opening one again, forwarding it or backing it up needs no server.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MaildockError } from '../../../common/errors.js';
import { getLogger } from '../platform/log.js';
import type { Store, StoredAttachment } from '../store/index.js';

const log = getLogger('attachments');

export interface AttachmentCacheOptions {
  dataDir: string;
  store: () => Store;
  /** Downloads a part from the account's server. */
  download(a: StoredAttachment & { partId: string }): Promise<Buffer>;
  /** The content from a copy of the message kept here (a local folder's), else null. */
  kept?(a: StoredAttachment): Promise<Buffer | null>;
}

export class AttachmentCache {
  private readonly dir: string;

  constructor(private readonly options: AttachmentCacheOptions) {
    this.dir = join(options.dataDir, 'attachments');
  }

  /**
   * From the cache when it was downloaded before, else from the message's copy kept here or
   * from the server (then cached).
   */
  async content(a: StoredAttachment): Promise<Buffer> {
    if (a.contentHash) {
      try {
        return await readFile(join(this.dir, a.contentHash));
      } catch {
        // Removed from the cache: download it again below.
      }
    }
    const data = (await this.options.kept?.(a)) ?? (await this.fromServer(a));
    const hash = createHash('sha256').update(data).digest('hex');
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = join(this.dir, `.${hash}.${process.pid}.tmp`);
    await writeFile(tmp, data, { mode: 0o600 });
    await rename(tmp, join(this.dir, hash));
    await this.options.store().bodies.setAttachmentHash(a.id, hash);
    return data;
  }

  private fromServer(a: StoredAttachment): Promise<Buffer> {
    const { partId } = a;
    if (!partId) {
      throw new MaildockError('NOT_FOUND', 'The server has no part number for this attachment.', {
        attachmentId: a.id,
      });
    }
    return this.options.download({ ...a, partId });
  }

  /** Deletes cached files no message refers to any more (a removed account's). */
  async forget(hashes: readonly string[]): Promise<void> {
    for (const hash of hashes) {
      // Names come from the store: only a SHA-256 in hex ever names a file here.
      if (!/^[0-9a-f]{64}$/.test(hash)) continue;
      await rm(join(this.dir, hash), { force: true }).catch((err: unknown) =>
        log.warn({ err }, 'cached attachment not deleted'),
      );
    }
  }
}
