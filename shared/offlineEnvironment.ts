// Environment variables that keep native libraries from reaching the network or writing data about the machine.
// They are read by native code (getenv) when the library starts, so every process sets them before that: the CLI,
// kb serve, Electron main (which hands its environment to the engine's utility process) and the engine's modules
// that load onnxruntime (electron/engine/offlineEnvironment.ts).

/**
 * onnxruntime-node (1.30) otherwise queues Microsoft telemetry on disk (~/.cache/Microsoft/DeveloperTools/
 * .onnxruntime/: a persistent device id, OS, CPU, process path, model names, run counts) and a long-running process
 * resolves mobile.events.data.microsoft.com to send it. "1" turns both off (measured: no file, no DNS query).
 */
export const OFFLINE_ENVIRONMENT: Readonly<Record<string, string>> = Object.freeze({
  ORT_DISABLE_TELEMETRY: '1',
  // The name onnxruntime's later opt-out reads as well (microsoft/onnxruntime#29843): set too, for an upgrade.
  ORT_TELEMETRY_DISABLED: '1',
});

/** Sets OFFLINE_ENVIRONMENT in `env` (a process's environment), over any value a user set: the promise is offline. */
export function applyOfflineEnvironment(env: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(OFFLINE_ENVIRONMENT)) env[name] = value;
}
