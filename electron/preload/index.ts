import { contextBridge, ipcRenderer } from 'electron';

// Named functions only: the renderer never sees ipcRenderer or an IPC event.
contextBridge.exposeInMainWorld('kb', {
  version: (): Promise<string> => ipcRenderer.invoke('kb:version') as Promise<string>,
});
