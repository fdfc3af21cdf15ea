// The desktop app: Electron's side of Maildock. It hosts the core (MaildockService) in the
// main process, serves the built renderer on the app:// scheme, carries the contract over
// IPC, and keeps the tray, the menu, the badge and the window's place. Every decision is
// made by the plain functions beside it (security, ipc, tray-model, menu-model,
// window-state, mailto), which are tested without the Electron binary; this file only
// wires them to Electron and is type-checked.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  protocol,
  screen,
  session,
  Tray,
  type IpcMainInvokeEvent,
  type MenuItemConstructorOptions,
} from 'electron';
import { errorText } from '../../common/error-words.js';
import { toErrorData } from '../../common/errors.js';
import type { UiCommand } from '../../common/types.js';
import type { StackHealth } from '../../common/stack.js';
import { eventChannel, methodChannel, PICK_PATH_CHANNEL } from '../../common/ipc.js';
import { newMailText } from '../../common/mail-words.js';
import { getLogger, initLogging } from '../core/platform/log.js';
import { defaultDataDir, installDir } from '../core/platform/paths.js';
import { MaildockService } from '../core/service.js';
import { forwardEvents, ipcHandlers, pickPathHandler } from './ipc.js';
import { applyMailtoHandler, leave, openSignIn, type LinkHost } from './links.js';
import { mailtoFromArgv, parseMailto } from './mailto.js';
import { menuModel, type MenuCommand, type MenuModelItem } from './menu-model.js';
import {
  allowNavigation,
  allowPermission,
  APP_ENTRY,
  APP_HEADERS,
  APP_SCHEME,
  appFile,
  decideWindowOpen,
  windowPreferences,
} from './security.js';
import { trayModel, type TrayCommand, type TrayInput, type TrayPlatform } from './tray-model.js';
import { restorePlace, savePlace } from './window-state.js';

const log = getLogger('app');
// Installed, the stack's definitions are unpacked resources beside the asar (Docker builds
// from real files); from the sources they are stack/ of the checkout.
if (app.isPackaged) process.env.MAILDOCK_STACK_DIR ??= path.join(process.resourcesPath, 'stack');
const platform = process.platform as TrayPlatform;
const root = installDir();
const rendererDir = path.join(root, 'dist', 'renderer');
const preloadFile = path.join(root, 'dist', 'preload', 'index.cjs');
// The tray's images: beside the asar when installed, resources/ of the checkout otherwise.
const resources = app.isPackaged ? process.resourcesPath : path.join(root, 'resources');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

// Before ready: app:// behaves like an https origin (standard, secure), with no fetch or CORS.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true } },
]);

let service: MaildockService | null = null;
let window: BrowserWindow | null = null;
let tray: Tray | null = null;
let quitting = false;
let pendingMailto: string | null = mailtoFromArgv(process.argv);
const trayState: TrayInput = {
  health: null,
  stackConfigured: false,
  unread: 0,
  syncing: false,
  backupAvailable: true,
  stackBusy: false,
};

function sendCommand(command: UiCommand): void {
  window?.webContents.send(eventChannel('ui.command'), command);
}

function openMailto(raw: string): void {
  const draft = parseMailto(raw);
  if (!draft) return;
  showWindow();
  if (window?.webContents.isLoading() !== false) pendingMailto = raw;
  else sendCommand({ command: 'compose', ...draft });
}

const links: LinkHost = {
  window: () => window,
  settings: async (patch) => (service ? service.appSettings(patch) : null),
  compose: (draft) => {
    showWindow();
    sendCommand({ command: 'compose', ...draft });
  },
};

function showWindow(): void {
  if (!window) {
    createWindow();
    return;
  }
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

// ---- the window ----

const placeFile = () => path.join(app.getPath('userData'), 'window-state.json');

async function loadPlace(): Promise<unknown> {
  try {
    return JSON.parse(await readFile(placeFile(), 'utf8'));
  } catch {
    return null;
  }
}

let savedPlace: unknown = null;

function createWindow(): void {
  const place = restorePlace(
    savedPlace,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...(place.x !== undefined && place.y !== undefined ? { x: place.x, y: place.y } : {}),
    width: place.width,
    height: place.height,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Maildock',
    backgroundColor: '#1e1f22',
    webPreferences: windowPreferences(preloadFile),
  });
  window = win;
  if (place.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.webContents.on('will-navigate', (e, url) => {
    if (!allowNavigation(url)) {
      e.preventDefault();
      leave(links, url);
    }
  });
  win.webContents.on('will-redirect', (e, url) => {
    if (!allowNavigation(url)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url);
    if (decision.external) leave(links, decision.external);
    return { action: 'deny' };
  });
  win.webContents.on('did-finish-load', () => {
    if (pendingMailto) {
      const raw = pendingMailto;
      pendingMailto = null;
      openMailto(raw);
    }
  });
  const remember = () => {
    savedPlace = savePlace(win.getNormalBounds(), win.isMaximized());
    void mkdir(path.dirname(placeFile()), { recursive: true })
      .then(() => writeFile(placeFile(), JSON.stringify(savedPlace)))
      .catch((err: unknown) => log.warn({ err }, 'window place not saved'));
  };
  win.on('close', (e) => {
    remember();
    if (!quitting && service?.currentAppSettings.closeToTray && tray) {
      e.preventDefault();
      win.hide();
    }
  });
  win.on('closed', () => {
    if (window === win) window = null;
  });
  void win.loadURL(APP_ENTRY);
}

// ---- the tray ----

function trayImage(name: string) {
  // Windows draws .ico best; elsewhere the PNG, and Electron takes its @2x beside it.
  const file = `${name}.${platform === 'win32' ? 'ico' : 'png'}`;
  return nativeImage.createFromPath(path.join(resources, 'tray', platform, file));
}

function runTrayCommand(command: TrayCommand): void {
  const svc = service;
  if (!svc) return;
  const stack = async (method: 'stack.up' | 'stack.stop' | 'stack.restart-all') => {
    trayState.stackBusy = true;
    renderTray();
    try {
      if (method === 'stack.restart-all') {
        await svc.invoke('stack.stop', {});
        await svc.invoke('stack.up', {});
      } else await svc.invoke(method, {});
      await refreshStack();
    } finally {
      trayState.stackBusy = false;
      renderTray();
    }
  };
  switch (command) {
    case 'open':
      showWindow();
      return;
    case 'sync':
      trayState.syncing = true;
      renderTray();
      void svc.invoke('sync.run', {}).finally(() => {
        trayState.syncing = false;
        void refreshUnread();
      });
      return;
    case 'backup':
      void svc.invoke('backup.create', {}).then((r) => {
        const body = r.ok
          ? `Backup written: ${path.basename(r.value.file)}`
          : `The backup failed: ${errorText(r.error)}`;
        if (Notification.isSupported()) new Notification({ title: 'Maildock', body }).show();
      });
      return;
    case 'stack.start':
      void stack('stack.up');
      return;
    case 'stack.stop':
      void stack('stack.stop');
      return;
    case 'stack.restart':
      void stack('stack.restart-all');
      return;
    case 'quit':
      app.quit();
      return;
  }
}

function renderTray(): void {
  if (!tray) return;
  const model = trayModel(trayState, platform);
  tray.setImage(trayImage(model.icon));
  tray.setToolTip(model.tooltip);
  const items: MenuItemConstructorOptions[] = model.items.map((item) =>
    item.type === 'separator'
      ? { type: 'separator' }
      : item.type === 'info'
        ? { label: item.label, enabled: false }
        : {
            label: item.label,
            enabled: item.enabled,
            click: () => runTrayCommand(item.command),
          },
  );
  tray.setContextMenu(Menu.buildFromTemplate(items));
}

async function refreshStack(): Promise<void> {
  if (!service) return;
  const status = await service.invoke('stack.status', {});
  // A service's state is "missing" when it has no container (its `container` is the name).
  trayState.stackConfigured = status.ok && status.value.services.some((s) => s.state !== 'missing');
  renderTray();
}

async function refreshUnread(): Promise<void> {
  if (!service) return;
  const boxes = await service.invoke('mailbox.list', {});
  if (!boxes.ok) return;
  const unread = boxes.value.filter((m) => m.role === 'inbox').reduce((n, m) => n + m.unread, 0);
  trayState.unread = unread;
  app.setBadgeCount(unread);
  renderTray();
}

// ---- notifications ----

/** New mail while Maildock is not in front; a click brings the window back on that folder. */
async function notifyNewMail(mailboxId: number, count: number): Promise<void> {
  if (!service || !Notification.isSupported() || count <= 0) return;
  if (window?.isVisible() && window.isFocused()) return;
  const boxes = await service.invoke('mailbox.list', {});
  const mailbox = boxes.ok ? boxes.value.find((m) => m.id === mailboxId) : undefined;
  const note = new Notification({ title: 'Maildock', body: newMailText(count, mailbox) });
  note.on('click', () => {
    showWindow();
    sendCommand({ command: 'open-mailbox', mailboxId });
  });
  note.show();
}

// ---- the menu ----

function runMenuCommand(command: MenuCommand): void {
  if (command.command === 'quit') app.quit();
  else if (command.command === 'sync') runTrayCommand('sync');
  else {
    showWindow();
    sendCommand(command);
  }
}

function menuItem(item: MenuModelItem): MenuItemConstructorOptions {
  if (item.type === 'separator') return { type: 'separator' };
  if (item.type === 'role') return { role: item.role as MenuItemConstructorOptions['role'] };
  return {
    label: item.label,
    ...(item.accelerator ? { accelerator: item.accelerator } : {}),
    registerAccelerator: item.registerAccelerator,
    click: () => runMenuCommand(item.command),
  };
}

function buildMenu(): Menu {
  return Menu.buildFromTemplate(
    menuModel(platform).map((section) => ({
      label: section.label,
      submenu: section.items.map(menuItem),
    })),
  );
}

// ---- start and quit ----

async function start(): Promise<void> {
  await app.whenReady();
  const dataDir = defaultDataDir();
  await initLogging({ dir: path.join(dataDir, 'logs'), level: 'info', pretty: false });

  protocol.handle(APP_SCHEME, async (request) => {
    const file = appFile(request.url, rendererDir);
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      const type = MIME[path.extname(file)] ?? 'application/octet-stream';
      return new Response(body, { headers: { 'content-type': type, ...APP_HEADERS } });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(allowPermission(permission, details.requestingUrl)),
  );
  session.defaultSession.setPermissionCheckHandler((_wc, permission, origin) =>
    allowPermission(permission, origin),
  );

  // The keychain unless MAILDOCK_SECRETS=file: a locked or missing one stops here with its
  // reason (shown below); secrets left in the encrypted file move into it.
  service = await MaildockService.open({
    dataDir,
    backgroundCheckpoints: true,
    // The loopback OAuth2 sign-in opens in the system browser; client ids from the environment.
    oauth2: { openBrowser: openSignIn },
    ...(process.env.MAILDOCK_SECRETS ? { secretsBackend: process.env.MAILDOCK_SECRETS } : {}),
  });
  const settingsChannel = methodChannel('app.settings');
  for (const [channel, handler] of ipcHandlers(service)) {
    // A changed mailto: answer in Settings → This app takes effect at once.
    ipcMain.handle(
      channel,
      channel === settingsChannel
        ? async (event, input) => {
            const r = await handler(event, input);
            if (r.ok) await applyMailtoHandler(links, { ask: false });
            return r;
          }
        : handler,
    );
  }
  ipcMain.handle(
    PICK_PATH_CHANNEL,
    pickPathHandler<IpcMainInvokeEvent>({
      // Modal to the window that asked; without one (it closed meanwhile), on its own.
      open: (event, options) => {
        const w = BrowserWindow.fromWebContents(event.sender);
        return w ? dialog.showOpenDialog(w, options) : dialog.showOpenDialog(options);
      },
      save: (event, options) => {
        const w = BrowserWindow.fromWebContents(event.sender);
        return w ? dialog.showSaveDialog(w, options) : dialog.showSaveDialog(options);
      },
    }),
  );
  forwardEvents(service, (channel, payload) => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send(channel, payload);
  });
  service.on('stack.health', (h: StackHealth) => {
    trayState.health = h;
    // A restore may bring a stack in or take it away: each round says which.
    trayState.stackConfigured = h.services.some((s) => s.container !== 'missing');
    renderTray();
  });
  service.on('mail.new', (e) => {
    void refreshUnread();
    void notifyNewMail(e.mailboxId, e.count);
  });
  service.on('sync.progress', (p) => {
    if (p.phase === 'done') void refreshUnread();
  });

  Menu.setApplicationMenu(buildMenu());
  savedPlace = await loadPlace();
  createWindow();
  void applyMailtoHandler(links).catch((err: unknown) =>
    log.warn({ err }, 'mailto handler not set'),
  );
  tray = new Tray(trayImage(trayModel(trayState, platform).icon));
  tray.on('click', showWindow);
  renderTray();

  await service.watch();
  await refreshUnread();
  await refreshStack();
  if (trayState.stackConfigured) await service.monitorStack();
}

/** Quitting finishes the sync batch in progress, closes the store, and stops the stack if asked. */
async function shutDown(): Promise<void> {
  const svc = service;
  service = null;
  if (!svc) return;
  try {
    if (svc.currentAppSettings.stopStackOnQuit && trayState.stackConfigured) {
      await svc.invoke('stack.stop', {});
    }
  } finally {
    await svc.close();
  }
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_e, argv) => {
    const mailto = mailtoFromArgv(argv);
    if (mailto) openMailto(mailto);
    else showWindow();
  });
  // macOS hands mailto: links over here, before or after ready.
  app.on('open-url', (e, url) => {
    e.preventDefault();
    if (service) openMailto(url);
    else pendingMailto = url;
  });
  app.on('activate', showWindow);
  // With "keep in the tray" the window only hides; so every window gone means quit (but on
  // macOS, where an app without windows stays in the Dock).
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });
  app.on('before-quit', (e) => {
    if (!service) return;
    quitting = true;
    e.preventDefault();
    void shutDown()
      .catch((err: unknown) => log.error({ err }, 'shutdown failed'))
      .finally(() => app.exit(0));
  });
  start().catch((err: unknown) => {
    log.error({ err }, 'Maildock could not start');
    // Said to the person, not only to the log: a locked keychain is theirs to unlock.
    dialog.showErrorBox('Maildock could not start', toErrorData(err).message);
    app.exit(1);
  });
}
