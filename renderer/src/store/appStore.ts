// One bound store made of typed slices (zustand's slices pattern). Engine calls live in slice actions, through the
// client from api/kb.ts; components select the single fields they use.
import { create, type StateCreator } from 'zustand';
import type {
  AskReply,
  DocumentFile,
  JobDone,
  JobOptions,
  JobStarted,
  LibraryInfo,
  LlmInspection,
  LoadLlmOptions,
  ModelStatus,
  PassageContext,
  PassageRef,
  SourceInfo,
} from '../../../shared/engineApi.ts';
import type {
  AnswerMode,
  DocumentInfo,
  DocumentProfileChanges,
  EmbeddingProgress,
  HistoryEntry,
  IngestProgress,
  SearchHit,
  ThesaurusInfo,
} from '../../../shared/types.ts';
import type { ChooseKind } from '../../../shared/desktopBridge.ts';
import { connectKb, type KbClient } from '../api/kb.ts';
import { describeError } from '../describeError.ts';
import { translate, type Language, type MessageKey } from '../i18n.ts';

export type Screen = 'library' | 'chat' | 'search' | 'history' | 'settings';

export interface UiSlice {
  language: Language;
  screen: Screen;
  setLanguage(language: Language): void;
  setScreen(screen: Screen): void;
}

export interface ConnectionSlice {
  client: KbClient | null;
  connectionError: string | null;
  info: LibraryInfo | null;
  connect(): Promise<void>;
  refreshInfo(): Promise<void>;
  /** Ends the ingestion job shown (its `done`). */
  finishIngestJob(done: JobDone): void;
  /** Ends the embedding job shown (its `done`). */
  finishEmbeddingJob(done: JobDone): void;
}

export interface IngestJobState {
  jobId: string;
  progress: IngestProgress | null;
  startedAt: number;
}

export interface LibrarySlice {
  documents: DocumentInfo[];
  /** The folders and files the library was fed (re-scan works on these). */
  sources: SourceInfo[];
  job: IngestJobState | null;
  lastJob: JobDone | null;
  libraryError: string | null;
  /** Documents and sources. */
  refreshDocuments(): Promise<void>;
  /** Chosen files (or the files of a folder chosen in the browser). */
  uploadFiles(files: File[]): Promise<void>;
  /** What was dropped; call it in the drop handler itself. */
  addDropped(data: DataTransfer): Promise<void>;
  /** "Add folder…" in the desktop app: the native dialog, then an ingestion of the chosen folders. */
  chooseAndAddFolders(): Promise<void>;
  /** Re-reads one source, or all of them. */
  rescan(sourcePath?: string): Promise<void>;
  cancelIngest(): Promise<void>;
  removeDocument(documentId: number): Promise<void>;
  /** Corrects what a document is (standard, title, year, kind, sector, region); resolves to an error message or null. */
  setDocumentProfile(documentId: number, changes: DocumentProfileChanges): Promise<string | null>;
  /** Shows a document's original (file manager, or a download in the browser); resolves to an error message or null. */
  showOriginal(documentId: number): Promise<string | null>;
}

export interface Exchange {
  question: string;
  reply: AskReply | null;
  error: string | null;
}

/** A generated answer being written: its text so far, as the model streams it. */
export interface StreamingAnswer {
  /** The answer's job: its tokens arrive as its events, cancelJob stops it. */
  jobId: string;
  question: string;
  text: string;
  cancelling: boolean;
}

export interface ChatSlice {
  mode: AnswerMode;
  exchanges: Exchange[];
  asking: boolean;
  streaming: StreamingAnswer | null;
  cancelAsk(): Promise<void>;
  passage: PassageContext | null;
  passageError: string | null;
  /** The cited PDF's file, for drawing its page; fetched once per opened passage and dropped when it closes. */
  passageFile: DocumentFile | null;
  /** Why the cited PDF's file could not be fetched (gone, too large): the dialog shows the extracted text instead. */
  passageFileError: string | null;
  setMode(mode: AnswerMode): void;
  ask(question: string): Promise<void>;
  openPassage(ref: PassageRef): Promise<void>;
  closePassage(): void;
}

export interface SearchSlice {
  query: string;
  hits: SearchHit[] | null;
  searching: boolean;
  searchError: string | null;
  search(query: string): Promise<void>;
}

export interface HistorySlice {
  history: HistoryEntry[] | null;
  historyError: string | null;
  refreshHistory(): Promise<void>;
  exportConversation(conversationId: number): Promise<string | null>;
}

export interface EmbeddingJobState {
  jobId: string;
  progress: EmbeddingProgress | null;
}

export interface ModelsSlice {
  models: ModelStatus | null;
  /** A load or unload in progress. */
  llmBusy: boolean;
  /** Share (0..1) of the model loaded so far, while loading. */
  llmLoadProgress: number | null;
  /** The job of the load in progress (its progress events), or null. */
  llmLoadJobId: string | null;
  /** Stops the load in progress. */
  cancelLlmLoad(): Promise<void>;
  llmError: string | null;
  /** What the chosen .gguf says about itself, read before loading. */
  llmInspection: LlmInspection | null;
  llmInspecting: boolean;
  llmInspectError: string | null;
  inspectLlm(path: string): Promise<void>;
  /** A native dialog (desktop app only): the chosen path, or null. */
  choosePath(kind: Exclude<ChooseKind, 'sources'>): Promise<string | null>;
  embeddingJob: EmbeddingJobState | null;
  embeddingDone: JobDone | null;
  embeddingError: string | null;
  refreshModels(): Promise<void>;
  loadLlm(path: string, options: LoadLlmOptions): Promise<void>;
  unloadLlm(): Promise<void>;
  setEmbeddingModel(dir: string): Promise<void>;
  cancelEmbedding(): Promise<void>;
}

export interface ThesaurusSlice {
  thesaurus: ThesaurusInfo | null;
  thesaurusError: string | null;
  refreshThesaurus(): Promise<void>;
  addSynonym(ask: string, means: string[]): Promise<boolean>;
  removeSynonym(id: number): Promise<void>;
}

export type AppState = UiSlice &
  ConnectionSlice &
  LibrarySlice &
  ChatSlice &
  SearchSlice &
  HistorySlice &
  ModelsSlice &
  ThesaurusSlice;
type Slice<T> = StateCreator<AppState, [], [], T>;

const LANGUAGE_KEY = 'kb.language';

function savedLanguage(): Language {
  try {
    return window.localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

/**
 * The id of a job the page starts (crypto.randomUUID needs a secure context; 127.0.0.1 and app:// are). Chosen
 * here, before the call: the job's events, which travel apart from the reply and may come first, find it.
 */
function newJobId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

const createUiSlice: Slice<UiSlice> = (set) => ({
  language: savedLanguage(),
  screen: 'library',
  setLanguage: (language) => {
    try {
      window.localStorage.setItem(LANGUAGE_KEY, language);
    } catch {
      // Storage may be unavailable (private window): the choice then lasts for this page only.
    }
    document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
    set({ language });
  },
  setScreen: (screen) => set({ screen }),
});

const createConnectionSlice: Slice<ConnectionSlice> = (set, get) => ({
  client: null,
  connectionError: null,
  info: null,
  connect: async () => {
    try {
      const client = await connectKb();
      // Every job's events, of every kind, on one event: each is applied to the job the page shows with its id.
      client.on('job', (event) => {
        const { job, embeddingJob, streaming, llmLoadJobId } = get();
        switch (event.type) {
          case 'progress':
            if (event.kind === 'ingest') {
              if (job?.jobId === event.jobId) set({ job: { ...job, progress: event.progress } });
            } else if (event.kind === 'embedding') {
              if (embeddingJob?.jobId === event.jobId)
                set({ embeddingJob: { ...embeddingJob, progress: event.progress } });
            } else if (event.kind === 'llmLoad') {
              if (llmLoadJobId === event.jobId) set({ llmLoadProgress: event.progress.fraction });
            } else event satisfies never;
            return;
          case 'token':
            if (streaming?.jobId === event.jobId)
              set({ streaming: { ...streaming, text: streaming.text + event.text } });
            return;
          case 'done':
            if (embeddingJob?.jobId === event.jobId) get().finishEmbeddingJob(event);
            else if (job?.jobId === event.jobId) get().finishIngestJob(event);
            return;
          default:
            event satisfies never;
        }
      });
      // An ingestion started elsewhere (the desktop menu's "Add folder…") shows its progress here too.
      client.on('jobStarted', ({ jobId }) => {
        if (!get().job) set({ job: { jobId, progress: null, startedAt: Date.now() } });
      });
      client.on('openSettings', () => get().setScreen('settings'));
      set({ client, connectionError: null });
      await Promise.all([get().refreshInfo(), get().refreshDocuments(), get().refreshModels()]);
    } catch (error) {
      set({ connectionError: describeError(error, get().language) });
    }
  },
  refreshInfo: async () => {
    const client = get().client;
    if (client) set({ info: await client.libraryInfo() });
  },
  finishIngestJob: (done) => {
    set({ job: null, lastJob: done });
    void get().refreshDocuments();
    void get().refreshInfo();
  },
  finishEmbeddingJob: (done) => {
    set({ embeddingJob: null, embeddingDone: done });
    void get().refreshModels();
    void get().refreshInfo();
  },
});

const createLibrarySlice: Slice<LibrarySlice> = (set, get) => {
  /**
   * Starts an ingestion job; a refusal is shown as `failed` (in the page's language) around the engine's reason.
   * `start` is called before anything is awaited (a drop's DataTransfer lasts no longer). The job is shown, with the
   * id chosen here, before the call: its events may arrive before the reply.
   */
  const startJob = async (
    start: (client: KbClient, options: JobOptions) => Promise<JobStarted>,
    failed?: MessageKey,
  ): Promise<void> => {
    const client = get().client;
    if (!client || get().job) return;
    set({ libraryError: null, lastJob: null });
    const jobId = newJobId();
    set({ job: { jobId, progress: null, startedAt: Date.now() } });
    try {
      await start(client, { jobId });
    } catch (error) {
      // Refused: the job never started, and no `done` will come.
      set({
        ...(get().job?.jobId === jobId ? { job: null } : {}),
        libraryError: failed
          ? translate(get().language, failed, { error: describeError(error, get().language) })
          : describeError(error, get().language),
      });
    }
  };
  return {
    documents: [],
    sources: [],
    job: null,
    lastJob: null,
    libraryError: null,
    refreshDocuments: async () => {
      const client = get().client;
      if (!client) return;
      const [documents, sources] = await Promise.all([client.listDocuments(), client.listSources()]);
      set({ documents, sources });
    },
    // In the desktop app files reach the engine as paths; through `kb serve` their bytes are uploaded.
    uploadFiles: (files) =>
      files.length === 0
        ? Promise.resolve()
        : startJob((client, options) => client.addFiles(files, options), 'addFilesFailed'),
    addDropped: (data) => startJob((client, options) => client.addDropped(data, options)),
    chooseAndAddFolders: async () => {
      const client = get().client;
      if (!client?.choose || get().job) return;
      try {
        const paths = await client.choose('sources');
        if (paths.length > 0) await startJob((c, options) => c.ingestPaths(paths, options));
      } catch (error) {
        set({ libraryError: describeError(error, get().language) });
      }
    },
    rescan: (sourcePath) =>
      startJob((client, options) => client.rescanSources(sourcePath === undefined ? undefined : [sourcePath], options)),
    showOriginal: async (documentId) => {
      const client = get().client;
      if (!client) return null;
      try {
        await client.showOriginal(documentId);
        return null;
      } catch (error) {
        return describeError(error, get().language);
      }
    },
    cancelIngest: async () => {
      const job = get().job;
      if (job?.jobId) await get().client?.cancelJob(job.jobId);
    },
    setDocumentProfile: async (documentId, changes) => {
      const client = get().client;
      if (!client) return null;
      try {
        const updated = await client.setDocumentProfile(documentId, changes);
        set({ documents: get().documents.map((d) => (d.id === documentId ? updated : d)) });
        return null;
      } catch (error) {
        return describeError(error, get().language);
      }
    },
    removeDocument: async (documentId) => {
      const client = get().client;
      if (!client) return;
      try {
        await client.removeDocument(documentId);
        await Promise.all([get().refreshDocuments(), get().refreshInfo()]);
      } catch (error) {
        set({ libraryError: describeError(error, get().language) });
      }
    },
  };
};

const createChatSlice: Slice<ChatSlice> = (set, get) => ({
  mode: 'exact',
  exchanges: [],
  asking: false,
  streaming: null,
  passage: null,
  passageError: null,
  passageFile: null,
  passageFileError: null,
  setMode: (mode) => set({ mode }),
  ask: async (question) => {
    const client = get().client;
    if (!client || question.trim() === '' || get().asking) return;
    // Generated mode only while a model is loaded (the switch is disabled otherwise).
    const mode = get().mode === 'generate' && get().info?.llm.state === 'loaded' ? 'generate' : 'exact';
    const jobId = mode === 'generate' ? newJobId() : null;
    set({ asking: true, streaming: jobId ? { jobId, question, text: '', cancelling: false } : null });
    const conversationId =
      get().exchanges.findLast((e) => e.reply?.conversationId != null)?.reply?.conversationId ?? undefined;
    let exchange: Exchange;
    try {
      const reply = await client.ask(question, {
        mode,
        ...(jobId ? { jobId } : {}),
        ...(conversationId === undefined ? {} : { conversationId }),
      });
      exchange = { question, reply, error: null };
    } catch (error) {
      exchange = { question, reply: null, error: describeError(error, get().language) };
    }
    set({ asking: false, streaming: null, exchanges: [...get().exchanges, exchange], history: null });
  },
  cancelAsk: async () => {
    const streaming = get().streaming;
    const client = get().client;
    if (!streaming || !client || streaming.cancelling) return;
    set({ streaming: { ...streaming, cancelling: true } });
    await client.cancelJob(streaming.jobId).catch(() => false);
  },
  openPassage: async (ref) => {
    const client = get().client;
    if (!client) return;
    let passage: PassageContext;
    try {
      passage = await client.passageContext(ref);
      set({ passage, passageError: null, passageFile: null, passageFileError: null });
    } catch (error) {
      set({
        passage: null,
        passageError: describeError(error, get().language),
        passageFile: null,
        passageFileError: null,
      });
      return;
    }
    // A PDF passage is shown on its page: the file itself, once per opening (the text view needs nothing more).
    if (passage.documentType !== 'pdf' || passage.pageStart === null) return;
    try {
      const file = await client.documentFile(passage.documentId);
      // Closed or replaced meanwhile: the bytes are not kept.
      if (get().passage === passage) set({ passageFile: file });
    } catch (error) {
      if (get().passage === passage) set({ passageFileError: describeError(error, get().language) });
    }
  },
  closePassage: () => set({ passage: null, passageError: null, passageFile: null, passageFileError: null }),
});

const createSearchSlice: Slice<SearchSlice> = (set, get) => ({
  query: '',
  hits: null,
  searching: false,
  searchError: null,
  search: async (query) => {
    const client = get().client;
    if (!client || query.trim() === '') return;
    set({ query, searching: true, searchError: null });
    try {
      set({ hits: await client.search(query, { k: 20 }), searching: false });
    } catch (error) {
      set({ hits: null, searching: false, searchError: describeError(error, get().language) });
    }
  },
});

const createHistorySlice: Slice<HistorySlice> = (set, get) => ({
  history: null,
  historyError: null,
  refreshHistory: async () => {
    const client = get().client;
    if (!client) return;
    try {
      set({ history: await client.history(), historyError: null });
    } catch (error) {
      set({ historyError: describeError(error, get().language) });
    }
  },
  exportConversation: async (conversationId) => {
    const client = get().client;
    if (!client) return null;
    try {
      return await client.exportConversation(conversationId);
    } catch (error) {
      set({ historyError: describeError(error, get().language) });
      return null;
    }
  },
});

const createModelsSlice: Slice<ModelsSlice> = (set, get) => ({
  models: null,
  llmBusy: false,
  llmLoadProgress: null,
  llmLoadJobId: null,
  llmError: null,
  llmInspection: null,
  llmInspecting: false,
  llmInspectError: null,
  inspectLlm: async (path) => {
    const client = get().client;
    if (!client || path.trim() === '') return;
    set({ llmInspecting: true, llmInspectError: null, llmInspection: null });
    try {
      set({ llmInspection: await client.inspectLlm(path.trim()) });
    } catch (error) {
      set({ llmInspectError: describeError(error, get().language) });
    }
    set({ llmInspecting: false });
    // Checking starts llama.cpp: the GPU it found can be shown now.
    await get().refreshModels();
  },
  choosePath: async (kind) => {
    const client = get().client;
    if (!client?.choose) return null;
    try {
      return (await client.choose(kind))[0] ?? null;
    } catch (error) {
      set(
        kind === 'llmFile'
          ? { llmError: describeError(error, get().language) }
          : { embeddingError: describeError(error, get().language) },
      );
      return null;
    }
  },
  embeddingJob: null,
  embeddingDone: null,
  embeddingError: null,
  refreshModels: async () => {
    const client = get().client;
    if (!client) return;
    try {
      set({ models: await client.modelStatus() });
    } catch (error) {
      set({ llmError: describeError(error, get().language) });
    }
  },
  loadLlm: async (path, options) => {
    const client = get().client;
    if (!client || path.trim() === '' || get().llmBusy) return;
    const jobId = newJobId();
    set({ llmBusy: true, llmError: null, llmLoadProgress: 0, llmLoadJobId: jobId });
    try {
      await client.loadLlm(path.trim(), { ...options, jobId });
    } catch (error) {
      set({ llmError: describeError(error, get().language) });
    }
    set({ llmBusy: false, llmLoadProgress: null, llmLoadJobId: null });
    await Promise.all([get().refreshModels(), get().refreshInfo()]);
  },
  cancelLlmLoad: async () => {
    const jobId = get().llmLoadJobId;
    if (jobId) await get().client?.cancelJob(jobId);
  },
  unloadLlm: async () => {
    const client = get().client;
    if (!client || get().llmBusy) return;
    set({ llmBusy: true, llmError: null });
    try {
      await client.unloadLlm();
      set({ mode: 'exact' });
    } catch (error) {
      set({ llmError: describeError(error, get().language) });
    }
    set({ llmBusy: false });
    await Promise.all([get().refreshModels(), get().refreshInfo()]);
  },
  setEmbeddingModel: async (dir) => {
    const client = get().client;
    if (!client || dir.trim() === '' || get().embeddingJob) return;
    set({ embeddingError: null, embeddingDone: null });
    // Shown, with its id, before the call: the job may progress or end before the reply arrives.
    const jobId = newJobId();
    set({ embeddingJob: { jobId, progress: null } });
    try {
      await client.setEmbeddingModel(dir.trim(), { jobId });
    } catch (error) {
      set({
        ...(get().embeddingJob?.jobId === jobId ? { embeddingJob: null } : {}),
        embeddingError: describeError(error, get().language),
      });
    }
  },
  cancelEmbedding: async () => {
    const job = get().embeddingJob;
    if (job?.jobId) await get().client?.cancelJob(job.jobId);
  },
});

const createThesaurusSlice: Slice<ThesaurusSlice> = (set, get) => ({
  thesaurus: null,
  thesaurusError: null,
  refreshThesaurus: async () => {
    const client = get().client;
    if (!client) return;
    try {
      set({ thesaurus: await client.thesaurus(), thesaurusError: null });
    } catch (error) {
      set({ thesaurusError: describeError(error, get().language) });
    }
  },
  addSynonym: async (ask, means) => {
    const client = get().client;
    if (!client) return false;
    try {
      set({ thesaurus: await client.addSynonym(ask, means), thesaurusError: null });
      return true;
    } catch (error) {
      set({ thesaurusError: describeError(error, get().language) });
      return false;
    }
  },
  removeSynonym: async (id) => {
    const client = get().client;
    if (!client) return;
    try {
      set({ thesaurus: await client.removeSynonym(id), thesaurusError: null });
    } catch (error) {
      set({ thesaurusError: describeError(error, get().language) });
    }
  },
});

export const useAppStore = create<AppState>()((...a) => ({
  ...createUiSlice(...a),
  ...createConnectionSlice(...a),
  ...createLibrarySlice(...a),
  ...createChatSlice(...a),
  ...createSearchSlice(...a),
  ...createHistorySlice(...a),
  ...createModelsSlice(...a),
  ...createThesaurusSlice(...a),
}));
