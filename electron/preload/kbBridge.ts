// The IPC channels behind `window.kb` (its shape is shared/desktopBridge.ts: KbBridge). Plain data only, so main
// can import the channel names without pulling in the preload.
import type { EngineMethod } from '../../shared/engineApi.ts';

export const KB_CHANNELS = {
  /** main → page: every DesktopEventMessage. */
  event: 'kb:event',
  /** page → main: show a document's original in the file manager. By id: main looks the path up in the library. */
  revealDocument: 'kb:desktop:revealDocument',
  /** page → main: a native open dialog (see ChooseKind); answers the chosen paths. */
  choose: 'kb:desktop:choose',
} as const;

/** The IPC channel of an EngineApi method: `kb:engine:<method>`. */
export function engineChannel(method: EngineMethod): string {
  return `kb:engine:${method}`;
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
