// The sandboxed preload: the only code that sees ipcRenderer. It exposes named functions as `window.kb`; the
// renderer never gets ipcRenderer itself, an IPC event, or a way to pick the channel.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { EngineApi, EngineMethod } from '../../shared/engineApi.ts';
import { ENGINE_METHODS } from '../../shared/engineArgs.ts';
import { isDesktopEventMessage, type BridgedApi, type KbBridge } from '../../shared/desktopBridge.ts';
import { toWireError } from '../../shared/errors.ts';
import type { RpcOutcome } from '../../shared/rpc/rpcProtocol.ts';
import { engineChannel, KB_CHANNELS, readableIpcError } from './kbBridge.ts';

/**
 * One EngineApi method as an invoke on its own channel (main checks the sender and the arguments): its outcome as
 * main sent it, or a failed invoke (an untrusted frame, main gone) as a failed outcome. Never a rejection.
 */
const invoke =
  (method: EngineMethod) =>
  (...args: unknown[]): Promise<RpcOutcome> =>
    ipcRenderer.invoke(engineChannel(method), ...args).then(
      (outcome: unknown) => outcome as RpcOutcome,
      (error: unknown): RpcOutcome => ({ ok: false, error: toWireError(readableIpcError(error)) }),
    );

const kb: KbBridge<File> = {
  ...(Object.fromEntries(ENGINE_METHODS.map((method) => [method, invoke(method)])) as BridgedApi<EngineApi>),
  onEvent(listener) {
    // The IPC event stays here: the page gets the event's name and payload only.
    const forward = (_event: IpcRendererEvent, message: unknown): void => {
      if (isDesktopEventMessage(message))
        (listener as (event: string, payload: unknown) => void)(message.event, message.payload);
    };
    ipcRenderer.on(KB_CHANNELS.event, forward);
    return () => {
      ipcRenderer.removeListener(KB_CHANNELS.event, forward);
    };
  },
  pathForFile: (file) => webUtils.getPathForFile(file),
  revealDocument: (documentId) =>
    ipcRenderer.invoke(KB_CHANNELS.revealDocument, documentId).catch((error: unknown) => {
      throw readableIpcError(error);
    }) as Promise<void>,
  choose: (kind) =>
    ipcRenderer.invoke(KB_CHANNELS.choose, kind).catch((error: unknown) => {
      throw readableIpcError(error);
    }) as Promise<string[]>,
};

contextBridge.exposeInMainWorld('kb', kb);
