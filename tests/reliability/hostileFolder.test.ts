// A generated hostile folder (see hostileFolder.ts), ingested twice at the same time: in this process through the
// engine API, and by the real `kb ingest` in a child process — as an unprivileged user when the tests run as root,
// so that "permission denied" is real — whose peak resident memory is measured. Every bad file must be failed or
// skipped with a reason a person can act on, every good file indexed and found, nothing may crash, and memory
// must stay under the bound below.
import { chmodSync, mkdirSync, readdirSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestSummary } from '../../shared/types.ts';
import { createEngine, type Engine, type Library } from '../../electron/engine/index.ts';
import { storeOf } from '../../electron/engine/Library.ts';
import { buildHostileFolder, type HostileFolder } from './hostileFolder.ts';
import { runKb, tempDir, TOKENIZER_DIR, type KbRun } from './helpers.ts';

// 30 MiB of prose in one .txt: the file that drives peak memory (one document is one transaction, so its text,
// chunks and index rows are in memory together: about 9 bytes of RSS per byte of text, measured 10–40 MiB).
const ENORMOUS_MB = 30;
// Measured peak of the whole `kb ingest` child on this folder: 560–580 MiB on the 2-core dev machine (200 MiB is the
// engine at rest: jieba, tokenizer, SQLite cache; ~270 MiB the 30 MiB text file; a .docx bomb declared at 15 MiB
// is inflated up to that declaration before it is refused). Bound with margin for allocator noise:
const PEAK_RSS_BOUND_MB = 800;
// `nobody`: the child drops root so that chmod 000 means something.
const UNPRIVILEGED = 65534;

const isRoot = process.getuid?.() === 0;

describe('a hostile folder', () => {
  let dir: string;
  let cleanup: () => void;
  let folder: HostileFolder;
  let engine: Engine;
  let library: Library;
  let summary: IngestSummary;
  let cli: KbRun;
  let cliSummary: IngestSummary;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('kb-hostile-'));
    chmodSync(dir, 0o755); // the unprivileged child must reach the folder
    const started = performance.now();
    folder = await buildHostileFolder(path.join(dir, 'usb stick 客户资料'), { enormousMb: ENORMOUS_MB });
    console.log(
      `hostile folder: ${folder.expected.size} entries generated in ${Math.round(performance.now() - started)} ms`,
    );
    const cliLibraryDir = path.join(dir, 'cli');
    mkdirSync(cliLibraryDir, { mode: 0o777 });
    chmodSync(cliLibraryDir, 0o777);

    engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
    library = await engine.openLibrary(path.join(dir, 'in-process.kb.sqlite'), { create: true });
    // Both at once: the suite stays short, and two ingestions of one folder must not disturb each other.
    [summary, cli] = await Promise.all([
      library.ingest([folder.root]),
      runKb(
        ['ingest', folder.root, '--library', path.join(cliLibraryDir, 'hostile.kb.sqlite'), '--json'],
        isRoot ? { uid: UNPRIVILEGED } : {},
      ),
    ]);
    cliSummary = JSON.parse(cli.stdout) as IngestSummary;
  }, 240_000);

  afterAll(async () => {
    await engine?.dispose();
    // Give back what chmod 000 took, so that a non-root run can delete the folder.
    if (folder) {
      chmodSync(path.join(folder.root, folder.permissionDenied.file), 0o644);
      chmodSync(path.join(folder.root, folder.permissionDenied.folder), 0o755);
    }
    cleanup?.();
  });

  const relative = (file: string): string => path.relative(folder.root, file);

  /** Asserts that every generated entry had the expected outcome in one summary; returns the figures. */
  function checkOutcomes(
    run: IngestSummary,
    unprivileged: boolean,
  ): { tried: number; failedByCode: Record<string, number>; skippedByReason: Record<string, number> } {
    const failed = new Map(run.failed.map((f) => [relative(f.path), f]));
    const skipped = new Map(run.skipped.map((s) => [relative(s.path), s]));
    const { file: lockedFile, folder: lockedFolder } = folder.permissionDenied;
    for (const [name, expectation] of folder.expected) {
      if (name === lockedFile && unprivileged) {
        expect(failed.get(name), name).toMatchObject({
          code: 'unreadable',
          reason: 'permission denied: the file cannot be read by this user',
        });
        continue;
      }
      if (expectation.outcome === 'failed') {
        const failure = failed.get(name);
        expect(failure, `${name} should have failed with ${expectation.code}`).toBeDefined();
        expect(failure!.code, name).toBe(expectation.code);
        expect(failure!.reason, name).toMatch(expectation.reason);
      } else if (expectation.outcome === 'skipped') {
        const skip = skipped.get(name);
        expect(skip, `${name} should have been skipped (${expectation.skip})`).toBeDefined();
        expect(skip!.reason, name).toBe(expectation.skip);
        expect(skip!.detail, name).toMatch(expectation.reason);
      } else {
        expect(failed.get(name), `${name} should have been indexed`).toBeUndefined();
        expect(skipped.get(name), `${name} should have been indexed`).toBeUndefined();
      }
    }
    if (unprivileged) {
      expect(skipped.get(lockedFolder)).toMatchObject({
        reason: 'unreadable',
        detail: 'cannot read folder: permission denied for this user (EACCES)',
      });
    }
    // Nothing else: every failure and skip is one we planned, so nothing good was lost by accident.
    const planned = new Set([...folder.expected.keys(), lockedFolder]);
    for (const name of [...failed.keys(), ...skipped.keys()])
      expect(planned.has(name), `unexpected failure or skip: ${name}`).toBe(true);
    // Every reason is a sentence for a person: no stack trace, no internal error, no "undefined".
    for (const f of run.failed) {
      expect(f.code, f.path).not.toBe('internal');
      expect(f.reason, f.path).not.toMatch(/\bat .+:\d+:\d+|undefined|\[object|Error:/);
      expect(f.reason.length, f.path).toBeLessThan(300);
    }
    const failedByCode: Record<string, number> = {};
    for (const f of run.failed) failedByCode[f.code] = (failedByCode[f.code] ?? 0) + 1;
    const skippedByReason: Record<string, number> = {};
    for (const s of run.skipped) skippedByReason[s.reason] = (skippedByReason[s.reason] ?? 0) + 1;
    return { tried: run.filesSeen, failedByCode, skippedByReason };
  }

  it('in process: every bad file failed or skipped with its reason, every good file indexed and searchable', async () => {
    const figures = checkOutcomes(summary, !isRoot);
    const indexed = [...folder.expected.entries()].filter(
      ([name, e]) => e.outcome === 'indexed' && (isRoot || name !== folder.permissionDenied.file),
    );
    expect(summary.indexed).toBe(indexed.length + (isRoot ? 1 : 0)); // as root, the closed folder's file is read too
    const documents = new Map(library.listDocuments().map((d) => [relative(d.path), d]));
    for (const [name, expectation] of indexed) {
      if (expectation.outcome !== 'indexed') continue;
      const document = documents.get(name);
      expect(document?.status, name).toBe('indexed');
      if (expectation.encoding) expect(document!.encoding, name).toBe(expectation.encoding);
      const [hit] = await library.search(expectation.query, { k: 3 });
      expect(hit?.documentPath, `search "${expectation.query}" should find ${name}`).toBe(path.join(folder.root, name));
    }
    // A failed file is in the library with its reason, as `kb docs` shows it.
    for (const failure of summary.failed)
      expect(documents.get(relative(failure.path))).toMatchObject({ status: 'failed', error: failure.reason });
    expect(storeOf(library).integrityCheck()).toBe('ok');
    console.log(
      `in process: ${figures.tried} files tried, ${summary.indexed} indexed, failed by code ${JSON.stringify(figures.failedByCode)}, skipped ${JSON.stringify(figures.skippedByReason)}, ${Math.round(summary.elapsedMs / 1000)} s`,
    );
  });

  it('in process, again: nothing is re-read (unchanged and known failures are recognised by size and mtime)', async () => {
    const again = await library.ingest([folder.root]);
    expect(again.indexed).toBe(0);
    expect(again.bytesRead).toBe(0);
    expect(again.failed.map((f) => [f.path, f.code]).sort()).toEqual(
      summary.failed.map((f) => [f.path, f.code]).sort(),
    );
  });

  it(`kb ingest in a child${isRoot ? ' as an unprivileged user' : ''}: same outcomes, permission denied reported, peak RSS under ${PEAK_RSS_BOUND_MB} MiB`, () => {
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.signal).toBeNull();
    const figures = checkOutcomes(cliSummary, true);
    console.log(
      `kb ingest (uid ${isRoot ? UNPRIVILEGED : process.getuid?.()}): ${figures.tried} files tried, ${cliSummary.indexed} indexed, ` +
        `failed by code ${JSON.stringify(figures.failedByCode)}, skipped ${JSON.stringify(figures.skippedByReason)}, ` +
        `${Math.round(cli.elapsedMs / 1000)} s, peak RSS ${cli.peakRssMb} MiB (bound ${PEAK_RSS_BOUND_MB} MiB)`,
    );
    expect(cli.peakRssMb).not.toBeNull();
    expect(cli.peakRssMb!).toBeLessThan(PEAK_RSS_BOUND_MB);
  });

  it('the generated tree is what the test claims: 60 levels deep, links and a named pipe in place', () => {
    let depth = 0;
    let current = path.join(folder.root, 'deep');
    for (;;) {
      const next = readdirSync(current).find((name) => lstatSync(path.join(current, name)).isDirectory());
      if (!next) break;
      current = path.join(current, next);
      depth++;
    }
    expect(depth).toBe(60);
    expect(lstatSync(path.join(folder.root, 'links/inner/back-up')).isSymbolicLink()).toBe(true);
    expect(lstatSync(path.join(folder.root, 'links/pipe.txt')).isFIFO()).toBe(true);
  });
});
