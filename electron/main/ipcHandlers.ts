import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { ENGINE_METHODS, validateEngineArgs, type EngineApi } from '../../shared/engineApi.ts';
import { KB_CHANNELS } from '../preload/kbBridge.ts';
import { isTrustedSender, type SecurityPolicy } from './securityPolicy.ts';

/** Thrown to the caller when an IPC message comes from a frame that is not the app's own page. */
export class UntrustedSenderError extends Error {
  constructor(channel: string, url: string | undefined) {
    super(`Refused ${channel}: the request came from ${url ?? 'a closed frame'}, which is not this app's page.`);
    this.name = 'UntrustedSenderError';
  }
}

/**
 * Registers an invoke handler that first checks the sender frame, then delegates.
 * Handlers receive only their arguments, never the IPC event.
 */
export function handleTrusted<Args extends unknown[], Result>(
  ipcMain: IpcMain,
  channel: string,
  policy: SecurityPolicy,
  handler: (...args: Args) => Result | Promise<Result>,
): void {
  ipcMain.handle(channel, (event: IpcMainInvokeEvent, ...args: unknown[]) => {
    if (!isTrustedSender(event.senderFrame, policy)) throw new UntrustedSenderError(channel, event.senderFrame?.url);
    // TODO(shared): validate args with the channel's schema from shared/ before delegating, once a channel takes any.
    return handler(...(args as Args));
  });
}

export interface KbHandlers {
  version(): string;
}

/** The main side of `window.kb`. */
export function registerIpcHandlers(ipcMain: IpcMain, policy: SecurityPolicy, handlers: KbHandlers): void {
  handleTrusted(ipcMain, KB_CHANNELS.version, policy, () => handlers.version());
}

/** The IPC channel of an EngineApi method: `kb:engine:<method>`. */
export function engineChannel(method: keyof EngineApi): string {
  return `kb:engine:${method}`;
}

/**
 * The main side of the engine's methods: each channel checks the sender frame, then the arguments against the
 * contract in shared/engineApi.ts, then delegates to `engine` (the utility-process client once it exists).
 */
export function registerEngineHandlers(ipcMain: IpcMain, policy: SecurityPolicy, engine: EngineApi): void {
  for (const method of ENGINE_METHODS) {
    handleTrusted(ipcMain, engineChannel(method), policy, (...args: unknown[]) => {
      const checked = validateEngineArgs(method, args) as unknown[];
      return (engine[method] as (...a: unknown[]) => Promise<unknown>).apply(engine, checked);
    });
  }
}
