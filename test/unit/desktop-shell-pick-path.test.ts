// The desktop's native file picker, tested without the Electron binary (it cannot be
// downloaded here): the preload's pickPath over a stand-in for ipcRenderer, the main
// process's handler over stand-ins for Electron's open and save dialogs, and the plain
// mapping from what the page asks to the dialogs' options in between. Only the app's own
// top-level page may open one, and only the three kinds exist.
import { describe, expect, it } from 'vitest';
import { PICK_PATH_CHANNEL, isContractName } from '../../common/ipc.js';
import { pickPathHandler, type IpcInvokeEvent } from '../../main/app/ipc.js';
import {
  pickedPath,
  pickerOptions,
  pickRequest,
  type OpenOptions,
  type SaveOptions,
} from '../../main/app/pick-path.js';
import { APP_ENTRY } from '../../main/app/security.js';
import { buildBridge, type IpcRendererLike } from '../../preload/bridge.js';

const own: IpcInvokeEvent = { senderFrame: { url: APP_ENTRY, parent: null } };

/** Stands in for Electron's dialogs: records what was asked, answers as told. */
function fakeDialogs(answer: { canceled: boolean; filePaths?: string[]; filePath?: string }) {
  const asked: ['open' | 'save', OpenOptions | SaveOptions][] = [];
  return {
    asked,
    dialogs: {
      open: async (_e: IpcInvokeEvent, options: OpenOptions) => {
        asked.push(['open', options]);
        return answer;
      },
      save: async (_e: IpcInvokeEvent, options: SaveOptions) => {
        asked.push(['save', options]);
        return answer;
      },
    },
  };
}

describe('the picker’s options (plain data)', () => {
  it('opens a file, a folder (which may be made there), or saves a file', () => {
    expect(pickerOptions('open-file', 'Pick')).toEqual({
      dialog: 'open',
      options: { title: 'Pick', properties: ['openFile'] },
    });
    expect(pickerOptions('open-folder', 'Pick')).toEqual({
      dialog: 'open',
      options: {
        title: 'Pick',
        properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
      },
    });
    // No platform "replace?" question: the app asks that itself when the core says so.
    expect(pickerOptions('save-file', 'Save')).toEqual({
      dialog: 'save',
      options: { title: 'Save', properties: ['createDirectory'] },
    });
  });

  it('takes only the known kinds and a title of one short line', () => {
    expect(pickRequest('open-file', 'Choose\nthe file')).toEqual({
      kind: 'open-file',
      title: 'Choose the file',
    });
    expect(pickRequest('open-file', 'x'.repeat(5000))!.title).toHaveLength(200);
    for (const [kind, title] of [
      ['delete-file', 'x'],
      ['open-file', 42],
      [undefined, 'x'],
      [{ toString: () => 'open-file' }, 'x'],
    ] as const)
      expect(pickRequest(kind, title)).toBeNull();
  });

  it('hands back one path, or none when cancelled', () => {
    expect(pickedPath({ canceled: false, filePaths: ['/home/ann/a.mbox', '/b'] })).toBe(
      '/home/ann/a.mbox',
    );
    expect(pickedPath({ canceled: false, filePath: '/home/ann/out.mbox' })).toBe(
      '/home/ann/out.mbox',
    );
    expect(pickedPath({ canceled: true, filePaths: ['/x'] })).toBeNull();
    expect(pickedPath({ canceled: false, filePaths: [] })).toBeNull();
    // Electron's save dialog answers an empty string when cancelled on some platforms.
    expect(pickedPath({ canceled: false, filePath: '' })).toBeNull();
  });
});

describe('the main process’s handler (stand-in dialogs)', () => {
  it('shows the dialog the kind asks for and answers its path', async () => {
    const open = fakeDialogs({ canceled: false, filePaths: ['/home/ann/Mail'] });
    const handler = pickPathHandler(open.dialogs);
    expect(await handler(own, 'open-folder', 'Choose the folder to import')).toBe('/home/ann/Mail');
    expect(open.asked).toEqual([
      [
        'open',
        {
          title: 'Choose the folder to import',
          properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
        },
      ],
    ]);
    const save = fakeDialogs({ canceled: false, filePath: '/home/ann/out.mbox' });
    expect(await pickPathHandler(save.dialogs)(own, 'save-file', 'Save as')).toBe(
      '/home/ann/out.mbox',
    );
    expect(save.asked[0]![0]).toBe('save');
  });

  it('opens nothing for a frame inside the page, another page, no frame, or a bad kind', async () => {
    const f = fakeDialogs({ canceled: false, filePaths: ['/etc/passwd'] });
    const handler = pickPathHandler(f.dialogs);
    for (const senderFrame of [
      { url: APP_ENTRY, parent: { url: APP_ENTRY } },
      { url: 'https://evil.test/', parent: null },
      null,
    ])
      expect(await handler({ senderFrame }, 'open-file', 'x')).toBeNull();
    expect(await handler(own, 'open-anything', 'x')).toBeNull();
    expect(f.asked).toEqual([]);
  });
});

describe('the preload’s pickPath (stand-in ipcRenderer)', () => {
  function fakeIpc(answer: (channel: string, args: unknown[]) => Promise<unknown>) {
    const invoked: [string, unknown[]][] = [];
    const ipc: IpcRendererLike = {
      invoke: (channel, ...args) => {
        invoked.push([channel, args]);
        return answer(channel, args);
      },
      on: () => undefined,
      removeListener: () => undefined,
    };
    return { ipc, invoked };
  }

  it('asks on its own maildock: channel, which is no contract method', async () => {
    expect(PICK_PATH_CHANNEL.startsWith('maildock:')).toBe(true);
    expect(isContractName(PICK_PATH_CHANNEL)).toBe(false);
    const f = fakeIpc(async () => '/home/ann/a.mbox');
    const bridge = buildBridge(f.ipc);
    expect(await bridge.pickPath!('open-file', 'Choose')).toBe('/home/ann/a.mbox');
    expect(f.invoked).toEqual([[PICK_PATH_CHANNEL, ['open-file', 'Choose']]]);
  });

  it('reaches the handler through the bridge end to end', async () => {
    const dialogs = fakeDialogs({ canceled: false, filePath: '/home/ann/out.mbox' });
    const handler = pickPathHandler(dialogs.dialogs);
    const bridge = buildBridge(
      fakeIpc((channel, args) =>
        channel === PICK_PATH_CHANNEL ? handler(own, args[0], args[1]) : Promise.reject(),
      ).ipc,
    );
    expect(await bridge.pickPath!('save-file', 'Save the mbox file as')).toBe('/home/ann/out.mbox');
  });

  it('sends nothing for an unknown kind, and answers null where there is no picker', async () => {
    const f = fakeIpc(async () => '/x');
    const bridge = buildBridge(f.ipc);
    expect(await bridge.pickPath!('rm -rf' as never, 'x')).toBeNull();
    expect(await bridge.pickPath!('open-file', 7 as never)).toBeNull();
    expect(f.invoked).toEqual([]);
    const none = buildBridge(fakeIpc(() => Promise.reject(new Error('No handler'))).ipc);
    expect(await none.pickPath!('open-file', 'x')).toBeNull();
    // Whatever else the main process might answer, the page gets a path or null.
    const odd = buildBridge(fakeIpc(async () => ({ path: '/x' })).ipc);
    expect(await odd.pickPath!('open-file', 'x')).toBeNull();
  });
});
