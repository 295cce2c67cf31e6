// The desktop-only IPC of main (electron mocked): "show file" reveals only a file the library holds, looked up by
// the document's id in a real library (a real engine over a real SQLite file); native dialogs answer paths.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

const { registerDesktopHandlers, DesktopActionError } = await import('../../electron/main/desktopHandlers.ts');
const { UntrustedSenderError } = await import('../../electron/main/ipcHandlers.ts');
const { createSecurityPolicy } = await import('../../electron/main/securityPolicy.ts');
const { createEngine } = await import('../../electron/engine/createEngine.ts');
const { EngineService } = await import('../../electron/engine/service/EngineService.ts');

type Handler = (
  event: { senderFrame: { url: string; parent: unknown } | null },
  ...args: unknown[]
) => Promise<unknown>;

const app = { senderFrame: { url: 'app://kb/index.html', parent: null } };
const foreign = { senderFrame: { url: 'https://example.com/', parent: null } };

let dir: string;
let engine: Awaited<ReturnType<typeof createEngine>>;
let service: InstanceType<typeof EngineService>;
const handlers = new Map<string, Handler>();
const showItemInFolder = vi.fn();
const showOpenDialog = vi.fn(async (options: { properties: string[] }) =>
  options.properties.includes('openDirectory')
    ? { canceled: false, filePaths: ['/home/auditor/资料'] }
    : { canceled: true, filePaths: [] },
);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kb-desktop-'));
  writeFileSync(path.join(dir, '制度.md'), '# 管理制度\n\n## 1 范围\n\n应对登录的用户进行身份标识和鉴别。\n');
  writeFileSync(path.join(dir, '记录.md'), '# 记录\n\n审计记录应至少保存六个月。\n');
  engine = await createEngine({});
  const library = await engine.openLibrary(path.join(dir, 'lib.kb.sqlite'), { create: true });
  await library.ingest([path.join(dir, '制度.md'), path.join(dir, '记录.md')]);
  service = new EngineService(library, { version: 'test', transport: 'ipc' });
  const ipcMain = { handle: vi.fn((channel: string, handler: Handler) => handlers.set(channel, handler)) };
  registerDesktopHandlers(ipcMain as never, createSecurityPolicy({ isPackaged: true, devServerUrl: undefined }), {
    engine: service,
    showItemInFolder,
    showOpenDialog,
  });
});

afterAll(async () => {
  await service?.dispose();
  await engine?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('kb:desktop:revealDocument', () => {
  const reveal = (event: typeof app, ...args: unknown[]) => handlers.get('kb:desktop:revealDocument')!(event, ...args);

  it('shows the original of a library document in the file manager, by its id', async () => {
    const documents = await service.listDocuments();
    const rules = documents.find((d) => d.path.endsWith('制度.md'))!;
    await reveal(app, rules.id);
    expect(showItemInFolder).toHaveBeenCalledTimes(1);
    expect(showItemInFolder).toHaveBeenLastCalledWith(path.join(dir, '制度.md'));
  });

  it('refuses paths, traversal and anything that is not a document id, before anything is shown', async () => {
    showItemInFolder.mockClear();
    await expect(reveal(app, '/etc/passwd')).rejects.toThrow(/documentId must be a whole number/);
    await expect(reveal(app, `${dir}/../../etc/passwd`)).rejects.toThrow(/documentId must be a whole number/);
    await expect(reveal(app, 1.5)).rejects.toThrow(/whole number/);
    await expect(reveal(app, -1)).rejects.toThrow(/whole number/);
    await expect(reveal(app, { id: 1 })).rejects.toThrow(/whole number/);
    await expect(reveal(app, 1, '/etc/passwd')).rejects.toThrow(/exactly 1 argument/);
    await expect(reveal(app, 999)).rejects.toThrow(DesktopActionError);
    await expect(reveal(app, 999)).rejects.toThrow('document 999 is not in this library');
    expect(() => reveal(foreign, 1)).toThrow(UntrustedSenderError);
    expect(showItemInFolder).not.toHaveBeenCalled();
  });

  it('says so when the file was moved or deleted after it was indexed, and a removed document is not revealed', async () => {
    const documents = await service.listDocuments();
    const records = documents.find((d) => d.path.endsWith('记录.md'))!;
    rmSync(records.path);
    await expect(reveal(app, records.id)).rejects.toThrow(/记录\.md is not there any more \(moved or deleted\)/);
    const rules = documents.find((d) => d.path.endsWith('制度.md'))!;
    await service.removeDocument(rules.id);
    await expect(reveal(app, rules.id)).rejects.toThrow(`document ${rules.id} is not in this library`);
    expect(showItemInFolder).not.toHaveBeenCalled();
  });
});

describe('kb:desktop:choose', () => {
  const choose = (...args: unknown[]) => handlers.get('kb:desktop:choose')!(app, ...args);

  it('opens the native dialog for the kind asked and answers the chosen paths ([] when cancelled)', async () => {
    await expect(choose('sources')).resolves.toEqual(['/home/auditor/资料']);
    expect(showOpenDialog.mock.lastCall![0]).toMatchObject({
      properties: expect.arrayContaining(['openDirectory', 'multiSelections']),
    });
    await expect(choose('llmFile')).resolves.toEqual([]);
    expect(showOpenDialog.mock.lastCall![0]).toMatchObject({
      properties: ['openFile'],
      filters: [{ name: 'GGUF', extensions: ['gguf'] }],
    });
    await expect(choose('embeddingFolder')).resolves.toEqual(['/home/auditor/资料']);
  });

  it('refuses an unknown kind or extra arguments', async () => {
    const calls = showOpenDialog.mock.calls.length;
    await expect(choose('anything')).rejects.toThrow(/kind must be one of sources, llmFile, embeddingFolder/);
    await expect(choose('sources', { defaultPath: '/' })).rejects.toThrow(/exactly 1 argument/);
    expect(showOpenDialog.mock.calls.length).toBe(calls);
  });
});
