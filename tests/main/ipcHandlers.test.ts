// main's engine IPC handlers, with electron mocked: the sender frame is checked, then the arguments, then the call
// goes over the engine's RPC (a real MessageChannel, served by a recording EngineApi on the other end).
import { MessageChannel } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ENGINE_METHODS } from '../../shared/engineArgs.ts';

vi.mock('electron', () => ({}));

const { registerEngineHandlers, engineChannel, UntrustedSenderError } =
  await import('../../electron/main/ipcHandlers.ts');
const { createSecurityPolicy } = await import('../../electron/main/securityPolicy.ts');
const { createEngineRpcClient, rpcPortFromNode } = await import('../../electron/engine/index.ts');
const { unwrapOutcome } = await import('../../shared/rpc/rpcProtocol.ts');
const { serveEngineRpc } = await import('../../electron/engine/rpc/serveEngineRpc.ts');

type Handler = (event: { senderFrame: { url: string; parent: unknown } | null }, ...args: unknown[]) => unknown;

// The engine side: records what reaches it.
const calls: [string, unknown[]][] = [];
const served = Object.fromEntries(
  ENGINE_METHODS.map((method) => [
    method,
    async (...args: unknown[]) => (calls.push([method, args]), { method, args }),
  ]),
) as unknown as Parameters<typeof serveEngineRpc>[1];
(served as unknown as { onEvent: () => () => void }).onEvent = () => () => undefined;
const { port1, port2 } = new MessageChannel();
serveEngineRpc(rpcPortFromNode(port2), served);
const rpc = createEngineRpcClient(rpcPortFromNode(port1));
afterAll(() => rpc.dispose());

const handlers = new Map<string, Handler>();
const ipcMain = { handle: vi.fn((channel: string, handler: Handler) => handlers.set(channel, handler)) };
registerEngineHandlers(
  ipcMain as unknown as Parameters<typeof registerEngineHandlers>[0],
  createSecurityPolicy({ isPackaged: true, devServerUrl: undefined }),
  rpc,
);

const app = { senderFrame: { url: 'app://kb/index.html', parent: null } };
/** What the page gets from an engine channel: the outcome main answers, as the renderer unwraps it. */
const invoke = (channel: string, ...args: Parameters<Handler>) =>
  Promise.resolve(handlers.get(channel)!(...args)).then(unwrapOutcome);
const foreign = { senderFrame: { url: 'https://example.com/', parent: null } };

describe('engine channels', () => {
  it('registers one channel per EngineApi method', () => {
    expect([...handlers.keys()].sort()).toEqual(ENGINE_METHODS.map((m) => `kb:engine:${m}`).sort());
    expect(engineChannel('ask')).toBe('kb:engine:ask');
  });

  it('forwards checked arguments over the RPC to the engine, and its answer back', async () => {
    await expect(invoke(engineChannel('ask'), app, '三级系统的身份鉴别有哪些要求？')).resolves.toEqual({
      method: 'ask',
      args: ['三级系统的身份鉴别有哪些要求？', {}],
    });
    await expect(invoke(engineChannel('ingestPaths'), app, ['/home/auditor/资料'])).resolves.toMatchObject({
      args: [['/home/auditor/资料'], {}],
    });
    // Extra fields of a Citation are dropped before they leave main.
    await invoke(engineChannel('passageContext'), app, { documentId: 1, charStart: 2, charEnd: 3, quote: 'x' });
    expect(calls.at(-1)).toEqual(['passageContext', [{ documentId: 1, charStart: 2, charEnd: 3 }]]);
  });

  it('refuses foreign frames, sub-frames and closed frames before anything is sent', () => {
    const before = calls.length;
    const ask = handlers.get(engineChannel('ask'))!;
    expect(() => ask(foreign, 'q')).toThrow(UntrustedSenderError);
    expect(() => ask(foreign, 'q')).toThrow(/https:\/\/example\.com/);
    expect(() => ask({ senderFrame: { url: 'app://kb/index.html', parent: {} } }, 'q')).toThrow(UntrustedSenderError);
    expect(() => ask({ senderFrame: null }, 'q')).toThrow(/closed frame/);
    expect(calls.length).toBe(before);
  });

  it('refuses invalid arguments before anything is sent, as a failed outcome with its code', async () => {
    const before = calls.length;
    await expect(invoke(engineChannel('ask'), app, { toString: () => 'q' })).rejects.toThrow(
      /question must be a string/,
    );
    await expect(invoke(engineChannel('search'), app, 'q', { k: 1e9 })).rejects.toThrow(/between 1 and 50/);
    await expect(invoke(engineChannel('ingestPaths'), app, '/etc')).rejects.toThrow(/paths must be an array/);
    await expect(invoke(engineChannel('libraryInfo'), app, 'extra')).rejects.toThrow(/at most 0 arguments/);
    await expect(handlers.get(engineChannel('libraryInfo'))!(app, 'extra')).resolves.toMatchObject({
      ok: false,
      error: { name: 'InvalidArgumentsError', code: 'args.invalid', params: { method: 'libraryInfo' } },
    });
    expect(calls.length).toBe(before);
  });
});
