// The preload of every Maildock window (sandboxed: bundled into one CommonJS file, since a
// sandboxed preload can require only electron). It exposes the bridge, nothing more.
import { contextBridge, ipcRenderer } from 'electron';
import { buildBridge } from './bridge.js';

contextBridge.exposeInMainWorld('maildock', buildBridge(ipcRenderer));
