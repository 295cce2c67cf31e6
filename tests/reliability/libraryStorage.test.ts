// Where a library is stored: a file this user may not write, a folder it may not write, a full disk, and several
// processes creating the same new library at once. The real `kb` (as the unprivileged user `nobody` where the
// case needs it: root writes any file) and the real store. Before: `kb ask` on a read-only library failed with
// SQLite's "attempt to write a readonly database"; a full disk said "database or disk is full" and nothing else.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLibrary, CORPUS, runKb, sha256File, tempDir } from './helpers.ts';

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

/** Whether a small tmpfs can be mounted here (root, and a kernel that lets this process mount). */
function canMountTmpfs(dir: string, size = '6m'): boolean {
  if (!isRoot) return false;
  try {
    mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('library storage: read-only, full, created at once', () => {
  let dir: string;
  let cleanup: () => void;
  let library: string;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('kb-library-storage-'));
    chmodSync(dir, 0o755);
    const docs = path.join(dir, 'docs');
    mkdirSync(docs);
    writeFileSync(
      path.join(docs, 'policy.md'),
      '# 数据安全管理制度\n\n## 3 备份\n\n应每日对重要数据进行本地备份，并每季度开展一次恢复演练。\n',
    );
    library = path.join(dir, 'shared', 'team.kb.sqlite');
    mkdirSync(path.dirname(library));
    const run = await runKb(['ingest', docs, '--library', library]);
    expect(run.code, run.stderr).toBe(0);
  });
  afterAll(() => cleanup?.());

  it.skipIf(!isRoot)(
    'a library file this user cannot write: search and ask answer (not recorded, says so), ingest says why; the file is unchanged',
    async () => {
      // The folder is writable (SQLite keeps its -shm index there), the file is root's, read-only to others.
      chmodSync(path.dirname(library), 0o777);
      chmodSync(library, 0o644);
      const before = sha256File(library);
      const asNobody = { uid: NOBODY, env: { HOME: dir } };
      const ask = await runKb(['ask', '重要数据多久备份一次？', '--library', library], asNobody);
      expect(ask.code, ask.stderr).toBe(0);
      expect(ask.stdout).toContain('应每日对重要数据进行本地备份');
      expect(ask.stderr).toContain(`(${library} is read-only: this answer is not recorded in its history)`);
      const search = await runKb(['search', '恢复演练', '--library', library, '--json'], asNobody);
      expect(search.code, search.stderr).toBe(0);
      expect(JSON.parse(search.stdout)).toHaveLength(1);
      const ingest = await runKb(['ingest', path.join(dir, 'docs'), '--library', library], asNobody);
      expect(ingest.code).toBe(2);
      expect(ingest.stderr).toMatch(
        new RegExp(
          `^kb: ${library.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is read-only: searching and asking work, but adding, removing or editing needs a library you can write`,
          'm',
        ),
      );
      expect(ingest.stderr).not.toMatch(/SQLITE|attempt to write/);
      // A write that reaches SQLite (no read-only check of its own), the library given as --library=<file>.
      const synonym = await runKb(['synonyms', 'add', '备份', '数据备份', `--library=${library}`], asNobody);
      expect(synonym.code).toBe(2);
      expect(synonym.stderr.trim()).toBe(
        `kb: ${library} is read-only: searching and asking work, but adding, removing or editing needs a library you can write (make the file and its folder writable, or copy it)`,
      );
      expect(sha256File(library)).toBe(before);
    },
  );

  it.skipIf(!isRoot)('a library in a folder this user cannot write: one clear line, no SQLite code', async () => {
    chmodSync(path.dirname(library), 0o755);
    for (const suffix of ['-wal', '-shm']) if (existsSync(library + suffix)) chownSync(library + suffix, 0, 0);
    execFileSync('rm', ['-f', `${library}-wal`, `${library}-shm`]);
    const run = await runKb(['search', '备份', '--library', library], { uid: NOBODY, env: { HOME: dir } });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      `kb: ${library} is in a folder this user cannot write: SQLite keeps a small index file (-shm) beside a library to read it, and cannot make one there; copy the library to a folder you can write (or make this one writable)`,
    );
  });

  it('eight threads creating the same new library at the same moment: all succeed, one intact library', async () => {
    const file = path.join(dir, 'created-at-once.kb.sqlite');
    const workers = 8;
    const barrier = new SharedArrayBuffer(4);
    const results = await Promise.all(
      Array.from({ length: workers }, () => {
        const worker = new Worker(path.join(import.meta.dirname, 'fixtures/openLibraryAtOnce.ts'), {
          workerData: { file, barrier, workers },
        });
        return new Promise<{ ok: boolean; error?: string }>((resolve, reject) =>
          worker.once('message', resolve).once('error', reject),
        );
      }),
    );
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(checkLibrary(file).problems).toEqual([]);
  });

  const fullDisk = path.join(path.resolve(import.meta.dirname, '../..'), '.tmp', `full-disk-${process.pid}`);
  const mounted = canMountTmpfs(fullDisk);
  afterAll(() => {
    if (mounted) execFileSync('umount', [fullDisk]);
    rmSync(fullDisk, { recursive: true, force: true });
  });

  it.skipIf(!mounted)(
    'a disk that fills up during ingestion: says the disk is full, keeps what was indexed, the library stays intact',
    async () => {
      const file = path.join(fullDisk, 'full.kb.sqlite');
      const run = await runKb(['ingest', path.join(CORPUS, 'mlps'), '--library', file]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `kb: the disk holding ${file} is full: what was indexed before stays in the library; free some space and run it again (unchanged files are skipped)`,
      );
      expect(run.stderr).not.toMatch(/FOREIGN KEY|database or disk is full/);
      const check = checkLibrary(file);
      expect(check.problems).toEqual([]);
      const docs = await runKb(['docs', '--library', file, '--json']);
      const listed = JSON.parse(docs.stdout) as { documents: { status: string }[] };
      expect(listed.documents.length).toBeGreaterThan(0);
      expect(listed.documents.every((d) => d.status === 'indexed')).toBe(true);
    },
  );

  // 2300 KiB: the first few documents of mlps fit, a later one does not, and SQLite's rollback of that one frees
  // enough for the small "failed" record ingestion then writes: before, every later file was recorded as "could not
  // be indexed: database or disk is full", the run exited 0, and a second run skipped them all as "failed before".
  const nearlyFull = path.join(path.resolve(import.meta.dirname, '../..'), '.tmp', `nearly-full-disk-${process.pid}`);
  const nearlyFullMounted = canMountTmpfs(nearlyFull, '2300k');
  afterAll(() => {
    if (nearlyFullMounted) execFileSync('umount', [nearlyFull]);
    rmSync(nearlyFull, { recursive: true, force: true });
  });

  it.skipIf(!nearlyFullMounted)(
    'a disk that fills up after some documents: the run stops there (no file marked failed), and after space is freed the next run indexes the rest',
    async () => {
      const file = path.join(nearlyFull, 'nearly-full.kb.sqlite');
      const run = await runKb(['ingest', path.join(CORPUS, 'mlps'), '--library', file]);
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(run.stderr).toContain(
        `kb: the disk holding ${file} is full: what was indexed before stays in the library`,
      );
      expect(run.stdout + run.stderr).not.toMatch(/could not be indexed|database or disk is full/);
      const check = checkLibrary(file);
      expect(check.problems).toEqual([]);
      expect(check.documents.failed).toBe(0);
      expect(check.documents.indexed).toBeGreaterThan(0);

      execFileSync('mount', ['-o', 'remount,size=32m', nearlyFull]);
      const again = await runKb(['ingest', path.join(CORPUS, 'mlps'), '--library', file]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr + again.stdout).toMatch(
        new RegExp(`Done in \\d+s: \\d+ indexed, ${check.documents.indexed} unchanged, 0 skipped, 0 failed`),
      );
      expect(checkLibrary(file)).toMatchObject({ problems: [], documents: { indexed: 11, failed: 0 } });
    },
  );

  // RLIMIT_FSIZE makes a write past the limit fail with EFBIG (SIGXFSZ ignored, as a real too-large write would
  // surface), which SQLite reports as an I/O error: the same "not the document's fault" path as a full disk.
  it('a write the system refuses mid-ingestion (file size limit): an I/O error naming the library, no file marked failed', async () => {
    const file = path.join(dir, 'size-limited.kb.sqlite');
    const run = await runKb(['ingest', path.join(CORPUS, 'mlps'), '--library', file], {
      wrapper: ['prlimit', '--fsize=3000000'],
      nodeOptions: ['--require', path.join(import.meta.dirname, 'fixtures/ignoreSigxfsz.cjs')],
    });
    expect(run.signal).toBeNull();
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stderr).toContain(`kb: reading or writing ${file} failed (SQLITE_IOERR`);
    expect(run.stdout + run.stderr).not.toMatch(/could not be indexed|FOREIGN KEY/);
    const check = checkLibrary(file);
    expect(check.problems).toEqual([]);
    expect(check.documents.failed).toBe(0);
  });
});
