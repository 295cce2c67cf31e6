import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { ENGINE_METHODS, validateEngineArgs, type EngineApi } from '../../shared/engineApi.ts';
import { KbError } from '../../shared/errors.ts';
import { engineChannel } from '../preload/kbBridge.ts';
import { isTrustedSender, type SecurityPolicy } from './securityPolicy.ts';

export { engineChannel };

/** Thrown to the caller when an IPC message comes from a frame that is not the app's own page. */
export class UntrustedSenderError extends KbError {
  constructor(channel: string, url: string | undefined) {
    super(
      'desktop.untrusted-sender',
      `Refused ${channel}: the request came from ${url ?? 'a closed frame'}, which is not this app's page.`,
      { channel },
    );
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
    return handler(...(args as Args));
  });
}

/**
 * The main side of the engine's methods: each channel checks the sender frame, then the arguments against the
 * contract in shared/engineApi.ts, then delegates to `engine` (EngineProcess.api: the RPC to the utility process).
 */
export function registerEngineHandlers(ipcMain: IpcMain, policy: SecurityPolicy, engine: EngineApi): void {
  for (const method of ENGINE_METHODS) {
    handleTrusted(ipcMain, engineChannel(method), policy, (...args: unknown[]) => {
      const checked = validateEngineArgs(method, args) as unknown[];
      return (engine[method] as (...a: unknown[]) => Promise<unknown>).apply(engine, checked);
    });
  }
}
