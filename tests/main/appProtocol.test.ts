// The app:// protocol serves the built renderer and nothing outside it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

const { resolveAppAssetPath, serveAppRequest } = await import('../../electron/main/appProtocol.ts');
const { contentSecurityPolicy } = await import('../../electron/main/contentSecurityPolicy.ts');

const parent = mkdtempSync(path.join(tmpdir(), 'kb-protocol-'));
const root = path.join(parent, 'renderer');
mkdirSync(path.join(root, 'assets'), { recursive: true });
writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>kb</title>');
writeFileSync(path.join(root, 'assets', 'index.js'), 'console.log(1)');
writeFileSync(path.join(parent, 'secret.txt'), 'not for the page');
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('resolveAppAssetPath', () => {
  it('maps app://kb/ URLs into the renderer folder', () => {
    expect(resolveAppAssetPath('app://kb/index.html', root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppAssetPath('app://kb/', root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppAssetPath('app://kb/assets/index.js?v=1', root)).toBe(path.join(root, 'assets', 'index.js'));
  });

  it('refuses other hosts and other schemes', () => {
    expect(resolveAppAssetPath('app://other/index.html', root)).toBeNull();
    expect(resolveAppAssetPath('file:///etc/passwd', root)).toBeNull();
    expect(resolveAppAssetPath('app://kb/%00', root)).toBeNull();
    expect(resolveAppAssetPath('app://kb/%E0%A4%A', root)).toBeNull();
  });

  it.each([
    'app://kb/../secret.txt',
    'app://kb/%2e%2e/secret.txt',
    'app://kb/..%2fsecret.txt',
    'app://kb/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://kb/..%5csecret.txt',
  ])('never resolves %s outside the folder', (url) => {
    const file = resolveAppAssetPath(url, root);
    expect(file === null || file.startsWith(root + path.sep), String(file)).toBe(true);
  });
});

describe('serveAppRequest', () => {
  it('serves files with their type and the CSP header', async () => {
    const response = await serveAppRequest(new Request('app://kb/index.html'), root);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    expect(await response.text()).toContain('<title>kb</title>');
    const script = await serveAppRequest(new Request('app://kb/assets/index.js'), root);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers 404 for missing files, escapes and non-GET requests', async () => {
    expect((await serveAppRequest(new Request('app://kb/missing.js'), root)).status).toBe(404);
    expect((await serveAppRequest(new Request('app://kb/%2e%2e/secret.txt'), root)).status).toBe(404);
    expect((await serveAppRequest(new Request('app://kb/..%2fsecret.txt'), root)).status).toBe(404);
    expect(
      (await serveAppRequest(new Request('app://kb/index.html', { method: 'POST', body: 'x' }), root)).status,
    ).toBe(404);
  });
});
