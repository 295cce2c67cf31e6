// The sandboxed preload: the only code that sees ipcRenderer. It exposes named functions as `window.kb`; the
// renderer never gets ipcRenderer itself, an IPC event, or a way to pick the channel.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { EngineApi, EngineMethod } from '../../shared/engineApi.ts';
import { isDesktopEventMessage, type KbBridge } from '../../shared/desktopBridge.ts';
import { engineChannel, KB_CHANNELS, readableIpcError } from './kbBridge.ts';

/** One EngineApi method as an invoke on its own channel (main checks the sender and the arguments). */
const invoke =
  <M extends EngineMethod>(method: M) =>
  (...args: Parameters<EngineApi[M]>): ReturnType<EngineApi[M]> =>
    ipcRenderer.invoke(engineChannel(method), ...args).catch((error: unknown) => {
      throw readableIpcError(error);
    }) as ReturnType<EngineApi[M]>;

const kb: KbBridge<File> = {
  libraryInfo: invoke('libraryInfo'),
  listDocuments: invoke('listDocuments'),
  ingestPaths: invoke('ingestPaths'),
  uploadFiles: invoke('uploadFiles'),
  cancelJob: invoke('cancelJob'),
  removeDocument: invoke('removeDocument'),
  listSources: invoke('listSources'),
  rescanSources: invoke('rescanSources'),
  documentFile: invoke('documentFile'),
  search: invoke('search'),
  ask: invoke('ask'),
  history: invoke('history'),
  exportConversation: invoke('exportConversation'),
  passageContext: invoke('passageContext'),
  modelStatus: invoke('modelStatus'),
  inspectLlm: invoke('inspectLlm'),
  loadLlm: invoke('loadLlm'),
  unloadLlm: invoke('unloadLlm'),
  setEmbeddingModel: invoke('setEmbeddingModel'),
  cancelAsk: invoke('cancelAsk'),
  thesaurus: invoke('thesaurus'),
  addSynonym: invoke('addSynonym'),
  removeSynonym: invoke('removeSynonym'),
  setDocumentProfile: invoke('setDocumentProfile'),
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
