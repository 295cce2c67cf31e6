// The preload exposes named functions as window.kb, never ipcRenderer or an IPC event.
import { describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(async () => '0.1.0'), on: vi.fn(), send: vi.fn() },
}));
vi.mock('electron', () => electron);

await import('../../electron/preload/index.ts');

describe('preload', () => {
  it('exposes window.kb with named functions only', () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [name, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0] as [string, Record<string, unknown>];
    expect(name).toBe('kb');
    expect(Object.keys(api)).toEqual(['version']);
    for (const value of Object.values(api)) {
      expect(typeof value).toBe('function');
      expect(value).not.toBe(electron.ipcRenderer.invoke);
    }
    expect(Object.values(api)).not.toContain(electron.ipcRenderer);
  });

  it('version() invokes kb:version with no arguments', async () => {
    const [, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0] as [string, { version(): Promise<string> }];
    await expect(api.version()).resolves.toBe('0.1.0');
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith('kb:version');
  });
});
