// The preload exposes window.kb: exactly the EngineApi methods, onEvent and pathForFile, as named functions; never
// ipcRenderer, never an IPC event.
import { describe, expect, it, vi } from 'vitest';
import { ENGINE_METHODS } from '../../shared/engineArgs.ts';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: {
    invoke: vi.fn(async (..._args: unknown[]): Promise<unknown> => ({ ok: true })),
    on: vi.fn(),
    removeListener: vi.fn(),
    send: vi.fn(),
  },
  webUtils: { getPathForFile: vi.fn(() => '/home/auditor/基本要求.pdf') },
}));
vi.mock('electron', () => electron);

await import('../../electron/preload/index.ts');
const { readableIpcError } = await import('../../electron/preload/kbBridge.ts');
const { unwrapOutcome } = await import('../../shared/rpc/rpcProtocol.ts');
const [name, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0] as [
  string,
  Record<string, (...args: unknown[]) => unknown>,
];

describe('preload', () => {
  it('exposes window.kb with exactly the EngineApi methods, onEvent, pathForFile and the two desktop actions', () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(name).toBe('kb');
    expect(Object.keys(api).sort()).toEqual(
      [...ENGINE_METHODS, 'onEvent', 'pathForFile', 'revealDocument', 'choose'].sort(),
    );
    for (const value of Object.values(api)) {
      expect(typeof value).toBe('function');
      expect(value).not.toBe(electron.ipcRenderer.invoke);
    }
    expect(Object.values(api)).not.toContain(electron.ipcRenderer);
  });

  it('invokes each method on its own channel with its arguments only', async () => {
    await api.ask!('三级系统对身份鉴别有哪些要求？', { mode: 'exact' });
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('kb:engine:ask', '三级系统对身份鉴别有哪些要求？', {
      mode: 'exact',
    });
    await api.libraryInfo!();
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('kb:engine:libraryInfo');
    for (const method of ENGINE_METHODS) {
      await api[method]!();
      expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(`kb:engine:${method}`);
    }
  });

  it('passes main’s outcome through, and a failed invoke as a failed outcome with the engine’s message, without Electron’s prefix', async () => {
    const failed = {
      ok: false,
      error: {
        name: 'ServiceError',
        code: 'service.no-document',
        params: { documentId: 7 },
        message: 'no',
        kind: 'user',
      },
    };
    electron.ipcRenderer.invoke.mockResolvedValueOnce(failed);
    await expect(api.removeDocument!(7)).resolves.toEqual(failed);
    electron.ipcRenderer.invoke.mockRejectedValueOnce(
      new Error("Error invoking remote method 'kb:engine:removeDocument': ServiceError: no document 7 in this library"),
    );
    await expect(Promise.resolve(api.removeDocument!(7)).then(unwrapOutcome)).rejects.toMatchObject({
      name: 'ServiceError',
      message: 'no document 7 in this library',
    });
    expect(
      readableIpcError(new Error("Error invoking remote method 'kb:engine:ask': EngineStopped: the engine was stopped"))
        .message,
    ).toBe('the engine was stopped');
    expect(readableIpcError(new Error('other')).message).toBe('other');
  });

  it('onEvent passes the event name and payload, never the IPC event, and unsubscribes', () => {
    const listener = vi.fn();
    const unsubscribe = api.onEvent!(listener) as () => void;
    const [channel, forward] = electron.ipcRenderer.on.mock.calls.at(-1) as [
      string,
      (event: unknown, message: unknown) => void,
    ];
    expect(channel).toBe('kb:event');
    const ipcEvent = { sender: electron.ipcRenderer, senderId: 0 };
    forward(ipcEvent, { event: 'job', payload: { jobId: 'j', type: 'done', summary: null, error: null } });
    forward(ipcEvent, { event: 'openSettings', payload: null });
    forward(ipcEvent, { event: 'job', payload: { jobId: 'r-1', type: 'token', text: '应' } });
    forward(ipcEvent, { event: 'unknown', payload: 1 });
    forward(ipcEvent, 'garbage');
    expect(listener.mock.calls).toEqual([
      ['job', { jobId: 'j', type: 'done', summary: null, error: null }],
      ['openSettings', null],
      ['job', { jobId: 'r-1', type: 'token', text: '应' }],
    ]);
    unsubscribe();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith('kb:event', forward);
  });

  it('pathForFile gives a dropped file’s path through webUtils', () => {
    const file = { name: '基本要求.pdf' };
    expect(api.pathForFile!(file)).toBe('/home/auditor/基本要求.pdf');
    expect(electron.webUtils.getPathForFile).toHaveBeenCalledWith(file);
  });

  it('the desktop actions go to their own channels with the id or kind only', async () => {
    await api.revealDocument!(7);
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('kb:desktop:revealDocument', 7);
    await api.choose!('llmFile');
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('kb:desktop:choose', 'llmFile');
    electron.ipcRenderer.invoke.mockRejectedValueOnce(
      new Error(
        "Error invoking remote method 'kb:desktop:revealDocument': DesktopActionError: document 9 is not in this library",
      ),
    );
    await expect(api.revealDocument!(9)).rejects.toMatchObject({
      name: 'DesktopActionError',
      message: 'document 9 is not in this library',
    });
  });
});
