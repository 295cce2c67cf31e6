// main's IPC handlers answer the app's own page and refuse any other frame, with electron mocked.
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

const { registerIpcHandlers, UntrustedSenderError } = await import('../../electron/main/ipcHandlers.ts');
const { createSecurityPolicy } = await import('../../electron/main/securityPolicy.ts');

type Handler = (event: { senderFrame: { url: string; parent: unknown } | null }, ...args: unknown[]) => unknown;

function registered() {
  const handlers = new Map<string, Handler>();
  const ipcMain = { handle: vi.fn((channel: string, handler: Handler) => handlers.set(channel, handler)) };
  const policy = createSecurityPolicy({ isPackaged: true, devServerUrl: undefined });
  registerIpcHandlers(ipcMain as unknown as Parameters<typeof registerIpcHandlers>[0], policy, { version: () => '0.1.0' });
  return handlers;
}

describe('kb:version', () => {
  it('answers the app page', async () => {
    const version = registered().get('kb:version')!;
    expect(await version({ senderFrame: { url: 'app://kb/index.html', parent: null } })).toBe('0.1.0');
  });

  it('refuses a foreign frame, a sub-frame and a closed frame', () => {
    const version = registered().get('kb:version')!;
    expect(() => version({ senderFrame: { url: 'https://example.com/', parent: null } })).toThrow(UntrustedSenderError);
    expect(() => version({ senderFrame: { url: 'https://example.com/', parent: null } })).toThrow(/https:\/\/example\.com/);
    expect(() => version({ senderFrame: { url: 'app://kb/index.html', parent: {} } })).toThrow(UntrustedSenderError);
    expect(() => version({ senderFrame: null })).toThrow(/closed frame/);
  });
});

describe('engine channels', () => {
  async function engineHandlers() {
    const { registerEngineHandlers, engineChannel } = await import('../../electron/main/ipcHandlers.ts');
    const handlers = new Map<string, Handler>();
    const ipcMain = { handle: vi.fn((channel: string, handler: Handler) => handlers.set(channel, handler)) };
    const policy = createSecurityPolicy({ isPackaged: true, devServerUrl: undefined });
    const engine = { ask: vi.fn(async (question: string) => ({ question })), search: vi.fn(async () => []) };
    registerEngineHandlers(ipcMain as unknown as Parameters<typeof registerEngineHandlers>[0], policy, engine as unknown as Parameters<typeof registerEngineHandlers>[2]);
    return { handlers, engine, engineChannel };
  }
  const app = { senderFrame: { url: 'app://kb/index.html', parent: null } };

  it('registers one channel per EngineApi method', async () => {
    const { handlers } = await engineHandlers();
    expect([...handlers.keys()]).toContain('kb:engine:ask');
    expect([...handlers.keys()]).toContain('kb:engine:uploadFiles');
    expect(handlers.size).toBe(11);
  });

  it('delegates checked arguments from the app page only', async () => {
    const { handlers, engine, engineChannel } = await engineHandlers();
    const ask = handlers.get(engineChannel('ask'))!;
    await expect(ask(app, '三级系统的身份鉴别有哪些要求？')).resolves.toEqual({ question: '三级系统的身份鉴别有哪些要求？' });
    expect(engine.ask).toHaveBeenCalledWith('三级系统的身份鉴别有哪些要求？', {});
    expect(() => ask({ senderFrame: { url: 'https://example.com/', parent: null } }, 'q')).toThrow(UntrustedSenderError);
    expect(() => ask(app, { toString: () => 'q' })).toThrow(/question must be a string/);
    expect(() => handlers.get(engineChannel('search'))!(app, 'q', { k: 1e9 })).toThrow(/between 1 and 50/);
    expect(engine.ask).toHaveBeenCalledTimes(1);
    expect(engine.search).not.toHaveBeenCalled();
  });
});
