// What the preload exposes as `window.kb`, and the IPC channels behind it. Plain data and types only, so main can
// import the channel names without pulling in the preload.
// TODO(shared): move KbBridge and KB_CHANNELS into shared/ beside the EngineApi contract, so the renderer can use
// the same type (renderer/src/api/kb.ts repeats it until then).

export const KB_CHANNELS = {
  version: 'kb:version',
} as const;

export interface KbBridge {
  /** The app's version, e.g. "0.1.0". */
  version(): Promise<string>;
}
