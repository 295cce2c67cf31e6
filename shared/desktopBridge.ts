// What the desktop app's preload exposes to the page as `window.kb`: the EngineApi methods, the events main pushes,
// and the few things only a desktop shell can do. The preload implements it (electron/preload), the renderer uses
// it (renderer/src/api/kb.ts). The IPC channels behind it are the preload's business (electron/preload/kbBridge.ts).
import { ENGINE_EVENTS, type EngineApi, type EngineEvents, type JobStarted } from './engineApi.ts';
import type { RpcOutcome } from './rpc/rpcProtocol.ts';

/** What the desktop shell pushes to the page: the engine's events, and two of its own. */
export interface DesktopEvents extends EngineEvents {
  /** An ingestion started outside the page (menu "Add folder…"); its progress arrives as for the page's own. */
  jobStarted: JobStarted;
  /** The menu's "Settings…" item: show the settings screen. */
  openSettings: null;
}
export type DesktopEventName = keyof DesktopEvents;
export type DesktopEventMessage = {
  [E in DesktopEventName]: { event: E; payload: DesktopEvents[E] };
}[DesktopEventName];
export type DesktopEventListener = (
  ...args: { [E in DesktopEventName]: [event: E, payload: DesktopEvents[E]] }[DesktopEventName]
) => void;

export const DESKTOP_EVENTS = [
  ...ENGINE_EVENTS,
  'jobStarted',
  'openSettings',
] as const satisfies readonly DesktopEventName[];

// Every desktop event is listed (a missing one would be dropped by isDesktopEventMessage): a type error otherwise.
type _AllDesktopEventsListed = Exclude<DesktopEventName, (typeof DESKTOP_EVENTS)[number]> extends never ? true : never;
export const ALL_DESKTOP_EVENTS_LISTED: _AllDesktopEventsListed = true;

export function isDesktopEventMessage(value: unknown): value is DesktopEventMessage {
  if (typeof value !== 'object' || value === null) return false;
  const { event } = value as { event?: unknown };
  return typeof event === 'string' && (DESKTOP_EVENTS as readonly string[]).includes(event) && 'payload' in value;
}

/** What a native open dialog is for: folders (or files) to add, a .gguf model file, an embedding model folder. */
export type ChooseKind = 'sources' | 'llmFile' | 'embeddingFolder';
export const CHOOSE_KINDS = ['sources', 'llmFile', 'embeddingFolder'] as const satisfies readonly ChooseKind[];

/**
 * An API's methods as the preload offers them: each resolves to its outcome and never rejects, because an error
 * thrown across contextBridge keeps only its message (its name, code and params would be lost). The renderer turns a
 * failed outcome back into a RemoteError (shared/rpc/rpcProtocol.ts: unwrapOutcome).
 */
export type BridgedApi<Api> = {
  [M in keyof Api]: Api[M] extends (...args: infer A) => Promise<infer R>
    ? (...args: A) => Promise<RpcOutcome<R>>
    : never;
};

/**
 * `window.kb` in the desktop app: the EngineApi methods (as outcomes), event subscription, and what only the shell
 * can do. `DroppedFile` is the DOM's File (shared/ has no DOM types; the preload and the renderer say `KbBridge<File>`).
 */
export interface KbBridge<DroppedFile = unknown> extends BridgedApi<EngineApi> {
  /** Subscribes to DesktopEvents; returns the unsubscribe function. The listener never sees an IPC event. */
  onEvent(listener: DesktopEventListener): () => void;
  /** The absolute path of a dropped or chosen file (webUtils.getPathForFile); '' when it has none. */
  pathForFile(file: DroppedFile): string;
  /** Shows a document's original file in the file manager (Finder, Explorer…). */
  revealDocument(documentId: number): Promise<void>;
  /** Opens a native dialog; the chosen paths, or [] when cancelled. */
  choose(kind: ChooseKind): Promise<string[]>;
}
