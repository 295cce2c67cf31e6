// The reads the service asks of Library instead of reaching into its store: a document by id, its original file
// (read, gone from disk, too large, changed since indexing, not in the library) and removal returning what it removed.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Library } from '../../electron/engine/index.ts';
import { tempDir } from './helpers.ts';

const TEXT = '# 数据安全管理制度\n\n应每日对重要数据进行本地备份。\n';

describe('Library: documents and their files', () => {
  let engine: Engine;
  let library: Library;
  let dir: string;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('kb-library-reads-'));
    for (const name of ['a.md', 'b.md', 'c.md']) writeFileSync(path.join(dir, name), TEXT.replace('本地', name));
    engine = await createEngine();
    library = await engine.openLibrary(path.join(dir, 'reads.kb.sqlite'), { create: true });
    expect(
      (await library.ingest([path.join(dir, 'a.md'), path.join(dir, 'b.md'), path.join(dir, 'c.md')])).indexed,
    ).toBe(3);
  });
  afterAll(async () => {
    await engine?.dispose();
    cleanup?.();
  });

  const idOf = (name: string): number => library.listDocuments().find((d) => path.basename(d.path) === name)!.id;

  it('reads a document file whole, and says whether it is still the file that was indexed', async () => {
    const read = await library.readDocumentFile(idOf('a.md'), 1024 * 1024);
    expect(read).toMatchObject({ state: 'read', file: { fileName: 'a.md', type: 'markdown', matchesIndex: true } });
    if (read.state !== 'read') return;
    expect(Buffer.from(read.file.dataBase64, 'base64').toString()).toBe(TEXT.replace('本地', 'a.md'));
    expect(read.file.sizeBytes).toBe(Buffer.byteLength(TEXT.replace('本地', 'a.md')));
    writeFileSync(path.join(dir, 'a.md'), `${TEXT}\n补充。\n`);
    expect(await library.readDocumentFile(idOf('a.md'), 1024 * 1024)).toMatchObject({
      state: 'read',
      file: { matchesIndex: false },
    });
  });

  it('names what it could not read: a file over the limit, a file gone, a document not in the library', async () => {
    const size = Buffer.byteLength(TEXT.replace('本地', 'b.md'));
    expect(await library.readDocumentFile(idOf('b.md'), size - 1)).toEqual({
      state: 'too-large',
      path: path.join(dir, 'b.md'),
      sizeBytes: size,
    });
    rmSync(path.join(dir, 'b.md'));
    expect(await library.readDocumentFile(idOf('b.md'), 1024 * 1024)).toEqual({
      state: 'file-gone',
      path: path.join(dir, 'b.md'),
    });
    expect(await library.readDocumentFile(99_999, 1024 * 1024)).toEqual({ state: 'not-in-library' });
  });

  it('removes a document once: returns what it removed, then null; a removed document is not found', async () => {
    const id = idOf('c.md');
    expect(library.document(id)).toMatchObject({ id, path: path.join(dir, 'c.md'), status: 'indexed' });
    expect(library.removeDocument(id)).toMatchObject({ id, path: path.join(dir, 'c.md') });
    expect(library.document(id)).toBeNull();
    expect(library.removeDocument(id)).toBeNull();
    expect(await library.readDocumentFile(id, 1024 * 1024)).toEqual({ state: 'not-in-library' });
    expect(library.document(99_999)).toBeNull();
  });
});
