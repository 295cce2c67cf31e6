// The sandboxed preload: the only code that sees ipcRenderer. It exposes named functions as `window.kb`; the
// renderer never gets ipcRenderer itself, an IPC event, or a way to pick the channel.
import { contextBridge, ipcRenderer } from 'electron';
import { KB_CHANNELS, type KbBridge } from './kbBridge.ts';

const kb: KbBridge = {
  version: () => ipcRenderer.invoke(KB_CHANNELS.version) as Promise<string>,
};

contextBridge.exposeInMainWorld('kb', kb);
