// The renderer's one door to the app: `window.kb`, exposed by the sandboxed preload. Store actions call it through
// this module; components never do.
// TODO(shared): take KbBridge from shared/ once it lives there (electron/preload/kbBridge.ts has the same interface).

export interface KbBridge {
  /** The app's version, e.g. "0.1.0". */
  version(): Promise<string>;
}

declare global {
  interface Window {
    /** Absent when the page is opened outside the app (a plain browser, a test page). */
    readonly kb?: KbBridge;
  }
}

/** The bridge, or an error that says why it is missing. */
export function kbBridge(): KbBridge {
  if (!window.kb) throw new Error('window.kb is missing: this page must be opened by the Offline KB app, whose preload provides it.');
  return window.kb;
}
