import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IngestInputError, walkInputs } from '../../electron/engine/ingest/walkInputs.ts';
import { tempDir } from './helpers.ts';

let cleanup = (): void => {};
afterEach(() => cleanup());

describe('walkInputs', () => {
  it('lists supported files in a stable order and says why every other file was left out', async () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    const root = path.join(temp.dir, '资料 folder');
    mkdirSync(path.join(root, 'b 子目录'), { recursive: true });
    mkdirSync(path.join(root, '.git'));
    writeFileSync(path.join(root, '.git', 'config.txt'), 'x');
    writeFileSync(path.join(root, 'b 子目录', '规范 📄.md'), '# 标题\n正文。');
    writeFileSync(path.join(root, 'a.txt'), '正文。');
    writeFileSync(path.join(root, '~$报告.docx'), 'lock');
    writeFileSync(path.join(root, '.hidden.md'), 'x');
    writeFileSync(path.join(root, 'old.ppt'), 'x');
    writeFileSync(path.join(root, 'big.txt'), Buffer.alloc(2048, 0x41));
    symlinkSync(root, path.join(root, 'b 子目录', 'loop'));
    symlinkSync(path.join(root, 'missing.txt'), path.join(root, 'dangling.txt'));

    const result = await walkInputs([root], { maxFileBytes: 1024 });
    expect(result.files.map((f) => path.relative(root, f.path))).toEqual([
      'a.txt',
      path.join('b 子目录', '规范 📄.md'),
    ]);
    const reasons = Object.fromEntries(result.skipped.map((s) => [path.relative(root, s.path), s.reason]));
    expect(reasons).toEqual({
      '.git': 'hidden',
      '.hidden.md': 'hidden',
      'big.txt': 'too-large',
      [path.join('b 子目录', 'loop')]: 'symlink-loop',
      'dangling.txt': 'unreadable',
      'old.ppt': 'unsupported-extension',
      '~$报告.docx': 'office-lock-file',
    });
    expect(result.skipped.find((s) => s.reason === 'too-large')!.detail).toMatch(/over the 0\.0 MiB size limit/);
    expect(result.skipped.find((s) => s.reason === 'unsupported-extension')!.detail).toMatch(/export it as PDF/);
    expect(result.folders).toEqual([root]);
  });

  it('takes single files, and refuses an input path that does not exist', async () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    const file = path.join(temp.dir, 'one.md');
    writeFileSync(file, '# x\ny。');
    const result = await walkInputs([file, file]);
    expect(result.files.map((f) => f.path)).toEqual([file]);
    expect(result.folders).toEqual([]);
    await expect(walkInputs([path.join(temp.dir, 'nope')])).rejects.toThrow(IngestInputError);
  });
});
