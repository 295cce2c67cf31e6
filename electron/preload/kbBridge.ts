// What the preload exposes as `window.kb`, and the IPC channels behind it. Plain data and types only, so main can
// import the channel names without pulling in the preload.
// TODO(shared): move KbBridge, DesktopEvents and the channels into shared/ beside the EngineApi contract, so the
// renderer can use the same types (renderer/src/api/kb.ts repeats them until then).
import type { EngineApi, EngineEvents, EngineMethod, JobStarted } from '../../shared/engineApi.ts';

export const KB_CHANNELS = {
  /** main → page: every DesktopEventMessage. */
  event: 'kb:event',
  /** page → main: show a document's original in the file manager. By id: main looks the path up in the library. */
  revealDocument: 'kb:desktop:revealDocument',
  /** page → main: a native open dialog (see ChooseKind); answers the chosen paths. */
  choose: 'kb:desktop:choose',
} as const;

/** What a native open dialog is for: folders (or files) to add, a .gguf model file, an embedding model folder. */
export type ChooseKind = 'sources' | 'llmFile' | 'embeddingFolder';
export const CHOOSE_KINDS = ['sources', 'llmFile', 'embeddingFolder'] as const satisfies readonly ChooseKind[];

/** The IPC channel of an EngineApi method: `kb:engine:<method>`. */
export function engineChannel(method: EngineMethod): string {
  return `kb:engine:${method}`;
}

/** What the desktop shell pushes to the page: the engine's events, and two of its own. */
export interface DesktopEvents extends EngineEvents {
  /** An ingestion started outside the page (menu "Add folder…"); its progress arrives as for the page's own. */
  jobStarted: JobStarted;
  /** The menu's "Settings…" item: show the settings screen. */
  openSettings: null;
}
export type DesktopEventName = keyof DesktopEvents;
export type DesktopEventMessage = { [E in DesktopEventName]: { event: E; payload: DesktopEvents[E] } }[DesktopEventName];
export type DesktopEventListener = (...args: { [E in DesktopEventName]: [event: E, payload: DesktopEvents[E]] }[DesktopEventName]) => void;

export const DESKTOP_EVENTS = ['ingestProgress', 'embeddingProgress', 'jobDone', 'answerToken', 'llmLoadProgress', 'jobStarted', 'openSettings'] as const satisfies readonly DesktopEventName[];

// Every desktop event is listed (a missing one would be dropped by isDesktopEventMessage): a type error otherwise.
type _AllDesktopEventsListed = Exclude<DesktopEventName, (typeof DESKTOP_EVENTS)[number]> extends never ? true : never;
export const ALL_DESKTOP_EVENTS_LISTED: _AllDesktopEventsListed = true;

export function isDesktopEventMessage(value: unknown): value is DesktopEventMessage {
  if (typeof value !== 'object' || value === null) return false;
  const { event } = value as { event?: unknown };
  return typeof event === 'string' && (DESKTOP_EVENTS as readonly string[]).includes(event) && 'payload' in value;
}

/** `window.kb` in the desktop app: the EngineApi methods, event subscription, and the path of a dropped file. */
export interface KbBridge extends EngineApi {
  /** Subscribes to DesktopEvents; returns the unsubscribe function. The listener never sees an IPC event. */
  onEvent(listener: DesktopEventListener): () => void;
  /** The absolute path of a dropped or chosen File (webUtils.getPathForFile); '' when it has none. */
  pathForFile(file: File): string;
  /** Shows a document's original file in the file manager (Finder, Explorer…). */
  revealDocument(documentId: number): Promise<void>;
  /** Opens a native dialog; the chosen paths, or [] when cancelled. */
  choose(kind: ChooseKind): Promise<string[]>;
}

/**
 * Electron rejects an invoke with "Error invoking remote method 'kb:engine:ask': ServiceError: <message>": the
 * renderer shows messages to people, so keep the engine's own name and message only.
 */
export function readableIpcError(error: unknown): Error {
  const text = error instanceof Error ? error.message : String(error);
  const match = /^Error invoking remote method '[^']*': (?:([A-Za-z]*Error|EngineStopped): )?([\s\S]*)$/.exec(text);
  if (!match) return error instanceof Error ? error : new Error(text);
  const readable = new Error(match[2]);
  readable.name = match[1] ?? 'Error';
  return readable;
}
