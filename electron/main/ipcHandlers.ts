import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { EngineApi } from '../../shared/engineApi.ts';
import { ENGINE_METHODS, validateEngineArgs } from '../../shared/engineArgs.ts';
import { settle } from '../../shared/rpc/rpcProtocol.ts';
import { engineChannel } from '../preload/kbBridge.ts';
import { isTrustedSender, type SecurityPolicy } from './securityPolicy.ts';

export { engineChannel };

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
    return handler(...(args as Args));
  });
}

/**
 * The main side of the engine's methods: each channel checks the sender frame, then the arguments against the
 * contract in shared/engineApi.ts, then delegates to `engine` (EngineProcess.api: the RPC to the utility process).
 * The answer is the RPC's outcome `{ok, result | error}`, the error a WireError: Electron would reduce a thrown
 * error to its message. A frame that is not the app's own gets a thrown error, not an answer.
 */
export function registerEngineHandlers(ipcMain: IpcMain, policy: SecurityPolicy, engine: EngineApi): void {
  for (const method of ENGINE_METHODS) {
    handleTrusted(ipcMain, engineChannel(method), policy, (...args: unknown[]) =>
      settle(() => {
        const checked = validateEngineArgs(method, args) as unknown[];
        return (engine[method] as (...a: unknown[]) => Promise<unknown>).apply(engine, checked);
      }),
    );
  }
}
