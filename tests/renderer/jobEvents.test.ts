// The page's store (renderer/src/store/appStore.ts) when a job's events arrive before the reply that names the job.
// A real engine and EngineService behind a window.kb bridge; the bridge delivers each job's done before it
// resolves the call that started the job, as IPC or a WebSocket may (events and replies travel apart). Before,
// Settings stayed at "正在嵌入 0 / …" with its button disabled: the done of a job whose id the store did not know
// yet was dropped. The store now chooses the id and shows the job before it calls.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/index.ts';
import { EngineService } from '../../electron/engine/service/EngineService.ts';
import type { DesktopEventListener, KbBridge } from '../../shared/desktopBridge.ts';
import type { JobDone } from '../../shared/engineApi.ts';
import { settle } from '../../shared/rpc/rpcProtocol.ts';
import { tempDir, TOKENIZER_DIR } from '../engine/helpers.ts';

// The store is loaded by a path held in a variable: its types need the DOM library, which the Node tests' tsconfig
// (tests are type-checked with the Node code) does not have. What this test reads of it:
interface StoreState {
  connect(): Promise<void>;
  connectionError: string | null;
  setEmbeddingModel(dir: string): Promise<void>;
  embeddingJob: unknown;
  embeddingDone: JobDone | null;
  chooseAndAddFolders(): Promise<void>;
  job: unknown;
  lastJob: JobDone | null;
  libraryError: string | null;
  uploadFiles(files: File[]): Promise<void>;
  language: 'zh' | 'en';
}
interface Store {
  getState(): StoreState;
  setState(partial: Partial<StoreState>): void;
}
const STORE_MODULE = '../../renderer/src/store/appStore.ts';

describe('the page store: a job that ends before its reply arrives', () => {
  let engine: Engine;
  let service: EngineService;
  let dir: string;
  let cleanup: () => void;
  let store: Store;
  let chosen: string[] = [];

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('kb-job-events-'));
    engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
    const library = await engine.openLibrary(path.join(dir, 'jobs.kb.sqlite'), { create: true });
    service = new EngineService(library, { version: 'test', transport: 'ipc' });
    const listeners = new Set<DesktopEventListener>();
    service.onEvent(((event: never, payload: never) => {
      for (const listener of listeners) listener(event, payload);
    }) as never);
    /** Resolves a job-starting call only once its done has been delivered to the page. */
    const afterDone = async (started: Promise<{ jobId: string }>): Promise<{ jobId: string }> => {
      const reply = await started;
      await new Promise<void>((resolve) => {
        const unsubscribe = service.onEvent(((event: string, payload: JobDone) => {
          if (event === 'job' && payload.type === 'done' && payload.jobId === reply.jobId)
            queueMicrotask(() => (unsubscribe(), resolve()));
        }) as never);
      });
      return reply;
    };
    const bridge = new Proxy({} as KbBridge, {
      get: (_target, name: string) => {
        if (name === 'onEvent')
          return (listener: DesktopEventListener) => (listeners.add(listener), () => listeners.delete(listener));
        if (name === 'pathForFile') return () => '';
        // The native folder dialog: "chooses" the folder the test names.
        if (name === 'choose') return () => Promise.resolve(chosen);
        // Engine methods answer with their outcome, as the preload does.
        if (name === 'setEmbeddingModel' || name === 'ingestPaths') {
          return (...args: unknown[]) =>
            settle(() =>
              afterDone((service[name] as (...a: unknown[]) => Promise<{ jobId: string }>).apply(service, args)),
            );
        }
        const method = (service as unknown as Record<string, unknown>)[name];
        return typeof method === 'function'
          ? (...args: unknown[]) => settle(() => (method as (...a: unknown[]) => unknown).apply(service, args))
          : undefined;
      },
    });
    (globalThis as { window?: unknown }).window = {
      kb: bridge,
      location: { search: '', protocol: 'app:', host: 'kb' },
    };
    ({ useAppStore: store } = (await import(STORE_MODULE)) as { useAppStore: Store });
    await store.getState().connect();
    expect(store.getState().connectionError).toBe(null);
  });
  afterAll(async () => {
    // The store refreshes the documents and models after a job, without awaiting: let those finish first.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await service?.dispose();
    await engine?.dispose();
    cleanup?.();
  });

  it('an embedding folder that is not a model: the failure is shown and the button is free again', async () => {
    const notAModel = path.join(dir, 'not-a-model');
    mkdirSync(notAModel);
    await store.getState().setEmbeddingModel(notAModel);
    const state = store.getState();
    expect(state.embeddingJob).toBe(null);
    expect(state.embeddingDone?.error?.message).toMatch(/not a transformers\.js embedding model folder|missing/);
  });

  it('an ingestion that ends before its reply: its summary is shown and the job is over', async () => {
    const docs = path.join(dir, 'docs');
    mkdirSync(docs);
    writeFileSync(path.join(docs, 'policy.md'), '# 数据安全管理制度\n\n应每日对重要数据进行本地备份。\n');
    chosen = [docs];
    await store.getState().chooseAndAddFolders();
    const state = store.getState();
    expect(state.job).toBe(null);
    expect(state.lastJob?.summary).toMatchObject({ indexed: 1, failed: [] });
    expect(state.libraryError).toBe(null);
  });

  it("files that cannot be added: the page says so in its language, around the engine's reason", async () => {
    // pathForFile is '' here: a dropped item with no file on this disk, refused before the engine is asked.
    await store.getState().uploadFiles([new File(['# 制度'], '制度.md')]);
    // The page's own refusal is worded from its code (desktop.no-path), in the page's language.
    expect(store.getState().libraryError).toMatch(
      /^添加文件失败，这批文件都没有加入资料库：拖入的项目不是本机磁盘上的文件/,
    );
    // setLanguage also sets the page's lang attribute: there is no page here.
    store.setState({ language: 'en' });
    await store.getState().uploadFiles([new File(['# 制度'], '制度.md')]);
    expect(store.getState().libraryError).toMatch(
      /^Adding files failed; none of this batch was added: a dropped item/i,
    );
    store.setState({ language: 'zh' });
  });
});
