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
