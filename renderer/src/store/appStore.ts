// One bound store made of typed slices (zustand's slices pattern). Engine calls live in slice actions, through the
// client from api/kb.ts; components select the single fields they use.
import { create, type StateCreator } from 'zustand';
import type { AskReply, JobDone, LibraryInfo, PassageContext, PassageRef } from '../../../shared/engineApi.ts';
import type { AnswerMode, DocumentInfo, HistoryEntry, IngestProgress, SearchHit } from '../../../shared/types.ts';
import { connectKb, type KbClient } from '../api/kb.ts';
import type { Language } from '../i18n.ts';

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
}

export interface IngestJobState {
  jobId: string;
  progress: IngestProgress | null;
  startedAt: number;
}

export interface LibrarySlice {
  documents: DocumentInfo[];
  job: IngestJobState | null;
  lastJob: JobDone | null;
  libraryError: string | null;
  refreshDocuments(): Promise<void>;
  uploadFiles(files: File[]): Promise<void>;
  cancelIngest(): Promise<void>;
  removeDocument(documentId: number): Promise<void>;
}

export interface Exchange {
  question: string;
  reply: AskReply | null;
  error: string | null;
}

export interface ChatSlice {
  mode: AnswerMode;
  exchanges: Exchange[];
  asking: boolean;
  passage: PassageContext | null;
  passageError: string | null;
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

export type AppState = UiSlice & ConnectionSlice & LibrarySlice & ChatSlice & SearchSlice & HistorySlice;
type Slice<T> = StateCreator<AppState, [], [], T>;

const LANGUAGE_KEY = 'kb.language';

function savedLanguage(): Language {
  try {
    return window.localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

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
      client.on('ingestProgress', ({ jobId, progress }) => {
        const job = get().job;
        if (job?.jobId === jobId) set({ job: { ...job, progress } });
      });
      // An ingestion started elsewhere (the desktop menu's "Add folder…") shows its progress here too.
      client.on('jobStarted', ({ jobId }) => {
        if (!get().job) set({ job: { jobId, progress: null, startedAt: Date.now() } });
      });
      client.on('openSettings', () => get().setScreen('settings'));
      client.on('jobDone', (done) => {
        if (get().job?.jobId !== done.jobId) return;
        set({ job: null, lastJob: done });
        void get().refreshDocuments();
        void get().refreshInfo();
      });
      set({ client, connectionError: null });
      await Promise.all([get().refreshInfo(), get().refreshDocuments()]);
    } catch (error) {
      set({ connectionError: message(error) });
    }
  },
  refreshInfo: async () => {
    const client = get().client;
    if (client) set({ info: await client.libraryInfo() });
  },
});

const createLibrarySlice: Slice<LibrarySlice> = (set, get) => ({
  documents: [],
  job: null,
  lastJob: null,
  libraryError: null,
  refreshDocuments: async () => {
    const client = get().client;
    if (client) set({ documents: await client.listDocuments() });
  },
  uploadFiles: async (files) => {
    const client = get().client;
    if (!client || files.length === 0 || get().job) return;
    set({ libraryError: null, lastJob: null });
    try {
      // The job exists before its first event can arrive: events for an unknown job are ignored.
      const pending: IngestJobState = { jobId: '', progress: null, startedAt: Date.now() };
      set({ job: pending });
      // In the desktop app dropped files reach the engine as paths; through `kb serve` their bytes are uploaded.
      const { jobId } = await client.addFiles(files);
      const current = get().job;
      if (current && current.jobId === '') set({ job: { ...current, jobId } });
    } catch (error) {
      set({ job: null, libraryError: message(error) });
    }
  },
  cancelIngest: async () => {
    const job = get().job;
    if (job?.jobId) await get().client?.cancelJob(job.jobId);
  },
  removeDocument: async (documentId) => {
    const client = get().client;
    if (!client) return;
    try {
      await client.removeDocument(documentId);
      await Promise.all([get().refreshDocuments(), get().refreshInfo()]);
    } catch (error) {
      set({ libraryError: message(error) });
    }
  },
});

const createChatSlice: Slice<ChatSlice> = (set, get) => ({
  mode: 'exact',
  exchanges: [],
  asking: false,
  passage: null,
  passageError: null,
  setMode: (mode) => set({ mode }),
  ask: async (question) => {
    const client = get().client;
    if (!client || question.trim() === '' || get().asking) return;
    set({ asking: true });
    const conversationId = get().exchanges.findLast((e) => e.reply?.conversationId != null)?.reply?.conversationId ?? undefined;
    let exchange: Exchange;
    try {
      const reply = await client.ask(question, { mode: get().mode, ...(conversationId === undefined ? {} : { conversationId }) });
      exchange = { question, reply, error: null };
    } catch (error) {
      exchange = { question, reply: null, error: message(error) };
    }
    set({ asking: false, exchanges: [...get().exchanges, exchange], history: null });
  },
  openPassage: async (ref) => {
    const client = get().client;
    if (!client) return;
    try {
      set({ passage: await client.passageContext(ref), passageError: null });
    } catch (error) {
      set({ passage: null, passageError: message(error) });
    }
  },
  closePassage: () => set({ passage: null, passageError: null }),
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
      set({ hits: null, searching: false, searchError: message(error) });
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
      set({ historyError: message(error) });
    }
  },
  exportConversation: async (conversationId) => {
    const client = get().client;
    if (!client) return null;
    try {
      return await client.exportConversation(conversationId);
    } catch (error) {
      set({ historyError: message(error) });
      return null;
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
}));
