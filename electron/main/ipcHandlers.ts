import type { IpcMain, IpcMainInvokeEvent } from 'electron';
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
