// What only the desktop shell can do for the page: show a document's original in the file manager, and native open
// dialogs. The page names a document by its id, never by a path: main looks the path up in the library, so a page
// (or anything that got into it) cannot make main reveal or open a file the library does not hold.
import type { CodesOf, ErrorProblem } from '../../shared/errorCodes.ts';
import { KbError } from '../../shared/errors.ts';
import { existsSync } from 'node:fs';
import type { IpcMain } from 'electron';
import type { EngineApi } from '../../shared/engineApi.ts';
import { CHOOSE_KINDS, type ChooseKind } from '../../shared/desktopBridge.ts';
import { KB_CHANNELS } from '../preload/kbBridge.ts';
import { handleTrusted } from './ipcHandlers.ts';
import type { SecurityPolicy } from './securityPolicy.ts';

/** The parts of Electron (dialog, shell) and of the engine the handlers use: injected, so tests stand in for them. */
export interface DesktopServices {
  engine: Pick<EngineApi, 'listDocuments'>;
  /** `shell.showItemInFolder`. */
  showItemInFolder(path: string): void;
  /** `dialog.showOpenDialog` on the main window. */
  showOpenDialog(options: OpenDialogRequest): Promise<{ canceled: boolean; filePaths: string[] }>;
}

/** The subset of Electron's OpenDialogOptions used here. */
export interface OpenDialogRequest {
  title: string;
  properties: ('openFile' | 'openDirectory' | 'multiSelections')[];
  filters?: { name: string; extensions: string[] }[];
}

/** A refusal written for the person who clicked. */
export class DesktopActionError extends KbError {
  constructor(problem: ErrorProblem<CodesOf<'desktop'>>, message: string) {
    super(problem.code, message, problem.params);
    this.name = 'DesktopActionError';
  }
}

const DIALOGS: Record<ChooseKind, OpenDialogRequest> = {
  // Folders and files together where the platform allows it (macOS); elsewhere Electron shows a folder picker.
  sources: { title: '添加文件夹 Add Folder', properties: ['openDirectory', 'openFile', 'multiSelections'] },
  llmFile: {
    title: '选择模型文件 Choose the model file (.gguf)',
    properties: ['openFile'],
    filters: [{ name: 'GGUF', extensions: ['gguf'] }],
  },
  embeddingFolder: { title: '选择嵌入模型文件夹 Choose the embedding model folder', properties: ['openDirectory'] },
};

function checkArity(channel: string, args: unknown[]): void {
  if (args.length !== 1) throw new TypeError(`${channel} takes exactly 1 argument, got ${args.length}`);
}

export function registerDesktopHandlers(ipcMain: IpcMain, policy: SecurityPolicy, services: DesktopServices): void {
  handleTrusted(ipcMain, KB_CHANNELS.revealDocument, policy, async (...args: unknown[]) => {
    checkArity(KB_CHANNELS.revealDocument, args);
    const [documentId] = args;
    if (typeof documentId !== 'number' || !Number.isSafeInteger(documentId) || documentId < 0) {
      throw new TypeError(`${KB_CHANNELS.revealDocument}: documentId must be a whole number ≥ 0`);
    }
    const document = (await services.engine.listDocuments()).find((d) => d.id === documentId);
    if (!document)
      throw new DesktopActionError(
        { code: 'desktop.document-not-found', params: { documentId } },
        `document ${documentId} is not in this library`,
      );
    if (!existsSync(document.path))
      throw new DesktopActionError(
        { code: 'desktop.original-missing', params: { file: document.path } },
        `${document.path} is not there any more (moved or deleted): re-scan its folder, or add the file again`,
      );
    services.showItemInFolder(document.path);
  });

  handleTrusted(ipcMain, KB_CHANNELS.choose, policy, async (...args: unknown[]) => {
    checkArity(KB_CHANNELS.choose, args);
    const [kind] = args;
    if (!(CHOOSE_KINDS as readonly unknown[]).includes(kind))
      throw new TypeError(`${KB_CHANNELS.choose}: kind must be one of ${CHOOSE_KINDS.join(', ')}`);
    const result = await services.showOpenDialog(DIALOGS[kind as ChooseKind]);
    return result.canceled ? [] : result.filePaths;
  });
}
