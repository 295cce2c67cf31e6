// The engine as main sees it: an Electron utility process running out/main/engineHost.js (electron/engine/
// utilityMain.ts), reached over a MessageChannelMain with the engine's RPC. One library per process: switching
// library restarts the process. Electron itself is injected (fork, channel), so tests can stand in for it.
import type { EngineApi, EngineEventName, EngineEvents, JobKind } from '../../shared/engineApi.ts';
import { ENGINE_METHODS, jobOfCall } from '../../shared/engineArgs.ts';
import { KbError, toWireError } from '../../shared/errors.ts';
import {
  createEngineRpcClient,
  rpcPortFromEventPort,
  type EngineRpcClient,
  type EngineEventListener,
  type EngineHostStart,
  type EngineHostStop,
  type EventMessagePortLike,
  SILENT_LOGGER,
  type EngineLogger,
} from '../engine/index.ts';

// A stopping engine finishes the file it is indexing (one transaction); after this long it is killed instead.
const STOP_TIMEOUT_MS = 10_000;
// Ends remembered for replies still on their way: a handful of calls are in flight at most.
const MAX_ENDED_BEFORE_REPLY = 64;

/** What main needs of Electron's UtilityProcess. */
export interface EngineChildProcess {
  postMessage(message: EngineHostStart | EngineHostStop, transfer?: EventMessagePortLike[]): void;
  once(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface EngineProcessOptions {
  /** Starts a utility process running the engine host (`utilityProcess.fork(out/main/engineHost.js)`). */
  fork(): EngineChildProcess;
  /** A new pair of connected ports (`new MessageChannelMain()`). */
  createChannel(): { port1: EventMessagePortLike; port2: EventMessagePortLike };
  /** Reported by libraryInfo(). */
  version: string;
  /** The embedding model's tokenizer folder, or null (chunk sizes estimated). */
  tokenizerDir: string | null;
  /** The folder the libraries live in (reported by modelStatus()). Defaults to `null`: the library's own folder. */
  dataFolder?: string | null;
  /** The folder the engine writes engine.log into (`<userData>/logs`). Defaults to `null`: no engine log. */
  logDir?: string | null;
  /** Where main logs the engine process's starts, crashes and stops. Defaults to logging nothing. */
  logger?: EngineLogger;
}

/** The library a process serves. */
export interface EngineLibrary {
  file: string;
  /** Create the file if it does not exist. */
  create: boolean;
}

interface Running {
  child: EngineChildProcess;
  client: EngineRpcClient;
  exited: Promise<number>;
  library: EngineLibrary;
}

export class EngineProcess {
  readonly #options: EngineProcessOptions;
  readonly #listeners = new Set<EngineEventListener>();
  // Jobs of every kind started and not yet done: if the process goes away, their `done` is sent here, so no progress
  // bar (or streaming answer, or model load) waits for ever.
  readonly #jobs = new Map<string, JobKind>();
  // Engine-chosen ids whose `done` came before the reply that names them (a job that failed at once): not tracked.
  readonly #endedBeforeReply = new Set<string>();
  #running: Running | null = null;
  #library: EngineLibrary | null = null;
  #disposed = false;

  get #logger(): EngineLogger {
    return this.#options.logger ?? SILENT_LOGGER;
  }

  /** EngineApi for main's IPC handlers: every call goes to the current process (started again after a crash). */
  readonly api: EngineApi;

  constructor(options: EngineProcessOptions) {
    this.#options = options;
    const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
    for (const method of ENGINE_METHODS) {
      api[method] = async (...args) => {
        const client = this.#connect();
        // Which calls start jobs is the contract's to say (shared/engineApi.ts); an id chosen by the caller is
        // known before the call, so a crash during the call ends that job too.
        const job = jobOfCall(method, args);
        if (job?.jobId !== undefined) this.#jobs.set(job.jobId, job.kind);
        let result: unknown;
        try {
          result = await (client[method] as (...a: unknown[]) => Promise<unknown>).apply(client, args);
        } catch (error) {
          if (job?.jobId !== undefined) this.#jobs.delete(job.jobId);
          throw error;
        }
        // A job that outlives its call replies with its id (JobStarted); one whose result is the reply is over.
        const started = (result as { jobId?: unknown } | null)?.jobId;
        if (job?.jobId !== undefined) {
          // Tracked since the call; its `done` may have come already (and untracked it).
          if (typeof started !== 'string') this.#jobs.delete(job.jobId);
        } else if (job && typeof started === 'string' && !this.#endedBeforeReply.delete(started)) {
          this.#jobs.set(started, job.kind);
        }
        return result;
      };
    }
    this.api = api as unknown as EngineApi;
  }

  /** The library being served, or null before the first start. */
  get library(): EngineLibrary | null {
    return this.#library;
  }

  /** Subscribes to the engine's events (whichever process serves them); returns the unsubscribe function. */
  onEvent(listener: EngineEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Serves `library`: stops the current process (if any) and starts one for it. */
  async start(library: EngineLibrary): Promise<void> {
    if (this.#disposed) throw new Error('the engine process has been disposed');
    await this.#stop('the library was switched');
    this.#library = library;
    this.#connect();
  }

  /** Stops the process (the ingestion in progress ends after its current file). Later calls are refused. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    await this.#stop('the app is closing');
  }

  #emit<E extends EngineEventName>(event: E, payload: EngineEvents[E]): void {
    if (event === 'job' && payload.type === 'done' && !this.#jobs.delete(payload.jobId)) {
      this.#endedBeforeReply.add(payload.jobId);
      // A done for an id no reply will name (another face's job) must not pile up: the oldest go.
      if (this.#endedBeforeReply.size > MAX_ENDED_BEFORE_REPLY)
        this.#endedBeforeReply.delete(this.#endedBeforeReply.values().next().value!);
    }
    for (const listener of this.#listeners) listener(event, payload);
  }

  #connect(): EngineRpcClient {
    if (this.#running) return this.#running.client;
    if (this.#disposed) throw new Error('the engine has been stopped: the app is closing');
    const library = this.#library;
    if (!library) throw new Error('no library is open yet');
    const child = this.#options.fork();
    const { port1, port2 } = this.#options.createChannel();
    const client = createEngineRpcClient(rpcPortFromEventPort(port1));
    client.onEvent((event, payload) => this.#emit(event, payload));
    const exited = new Promise<number>((resolve) => child.once('exit', resolve));
    const running: Running = { child, client, exited, library };
    this.#logger.log('info', 'engine.start', { library: library.file, create: library.create });
    void exited.then((code) => {
      if (this.#running !== running) return;
      this.#logger.log('error', 'engine.crashed', {
        library: library.file,
        exitCode: code,
        jobsEnded: this.#jobs.size,
      });
      // A crash: pending calls fail with a reason; the next call starts a new process on the same library.
      this.#running = null;
      client.dispose(`the engine stopped unexpectedly (exit code ${code}): try again`);
      this.#endJobs(`the engine stopped unexpectedly (exit code ${code}); what was indexed before stays`);
    });
    child.postMessage(
      {
        kind: 'start',
        libraryFile: library.file,
        create: library.create,
        version: this.#options.version,
        tokenizerDir: this.#options.tokenizerDir,
        dataFolder: this.#options.dataFolder ?? null,
        logDir: this.#options.logDir ?? null,
      },
      [port2],
    );
    this.#running = running;
    return client;
  }

  async #stop(reason: string): Promise<void> {
    const running = this.#running;
    if (!running) return;
    this.#running = null;
    running.child.postMessage({ kind: 'stop' });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS)),
    );
    if ((await Promise.race([running.exited, timedOut])) === 'timeout') {
      this.#logger.log('warn', 'engine.stop-timeout', { library: running.library.file, ms: STOP_TIMEOUT_MS });
      running.child.kill();
    }
    clearTimeout(timer);
    running.client.dispose(`${reason}: the call was not answered`);
    this.#endJobs(`${reason}; what was indexed before stays`);
  }

  #endJobs(reason: string): void {
    const error = toWireError(new KbError('engine.stopped', reason, {}, 'internal'));
    for (const [jobId, kind] of [...this.#jobs])
      this.#emit('job', { jobId, type: 'done', kind, cancelled: false, error, summary: null });
  }
}
