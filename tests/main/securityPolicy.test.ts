import { describe, expect, it, vi } from 'vitest';

// Electron's binary cannot be downloaded here: the module is mocked, so only main's own logic runs.
vi.mock('electron', () => ({}));
const { CONTENT_SECURITY_POLICY, isTrustedSender, secureWebPreferences, shouldBlockRequest } = await import('../../electron/main/securityPolicy.ts');

describe('main-process security policy', () => {
  it('isolates and sandboxes the renderer', () => {
    expect(secureWebPreferences('/app/preload.cjs')).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    });
  });

  it('allows scripts only from the app itself', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
  });

  it('blocks every request that leaves the app', () => {
    expect(shouldBlockRequest('https://example.com/track.js', undefined)).toBe(true);
    expect(shouldBlockRequest('http://127.0.0.1:9999/', undefined)).toBe(true);
    expect(shouldBlockRequest('app://kb/index.html', undefined)).toBe(false);
    expect(shouldBlockRequest('http://localhost:5173/src/main.tsx', 'http://localhost:5173')).toBe(false);
    // A dev-server URL that is not on this machine is never trusted.
    expect(shouldBlockRequest('http://evil.example:5173/', 'http://evil.example:5173')).toBe(true);
  });

  it('answers IPC only from the app frame', () => {
    expect(isTrustedSender('app://kb/index.html', undefined)).toBe(true);
    expect(isTrustedSender('https://example.com/', undefined)).toBe(false);
    expect(isTrustedSender(undefined, undefined)).toBe(false);
    expect(isTrustedSender('file:///etc/passwd', undefined)).toBe(false);
  });
});
