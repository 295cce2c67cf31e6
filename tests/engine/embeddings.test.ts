// Semantic retrieval plumbing with ../shared/models/synthetic-zh-embedder: the real bge-small-zh tokenizer and a
// random-weight ONNX lookup. It exercises loading, batching, pooling, storage and fusion; its similarities mean
// nothing, so no quality is asserted here.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Library } from '../../electron/engine/index.ts';
import { storeOf } from '../../electron/engine/Library.ts';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { WordPieceTokenCounter } from '../../electron/engine/chunk/WordPieceTokenCounter.ts';
import { TransformersEmbedder, lowercaseForBge } from '../../electron/engine/embed/TransformersEmbedder.ts';
import { VectorIndex } from '../../electron/engine/store/VectorIndex.ts';
import { SHARED, tempDir, TOKENIZER_DIR } from './helpers.ts';

const SYNTHETIC = path.join(SHARED, 'models/synthetic-zh-embedder');

function vecCount(library: Library): number {
  return (storeOf(library).database.prepare('SELECT count(*) AS n FROM chunks_vec').get() as { n: number }).n;
}

describe('embeddings in sqlite-vec, fused with lexical search', () => {
  let engine: Engine;
  let library: Library;
  let dir: string;
  let docs: string;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    docs = path.join(dir, 'docs');
    mkdirSync(docs);
    writeFileSync(
      path.join(docs, 'a.md'),
      '# 8 第三级安全要求\n\n#### 8.1.4.1 身份鉴别\n\na）应对登录的用户进行身份标识和鉴别；\nb）应具有登录失败处理功能。\n\n#### 8.1.4.2 访问控制\n\na）应对登录的用户分配账户和权限。\n',
    );
    engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
    library = await engine.openLibrary(path.join(dir, 'emb.kb.sqlite'), { create: true });
    await library.ingest([docs]);
  });
  afterAll(async () => {
    await engine.dispose();
    cleanup();
  });

  it('without a model: lexical works, semantic search says it is off and how to turn it on, vector search is refused', async () => {
    expect(library.semanticStatus()).toMatchObject({ state: 'off', embeddedChunks: 0 });
    expect(library.semanticStatus().message).toMatch(/--embedding-model/);
    expect((await library.search('登录失败')).length).toBeGreaterThan(0);
    await expect(library.search('登录失败', { retrieval: 'vector' })).rejects.toThrow(/semantic search off/);
  });

  it('setting a model embeds the existing chunks with progress and records model id and dimension', async () => {
    const progress: number[] = [];
    const { reembedded } = await library.setEmbeddingModel(SYNTHETIC, {
      pooling: 'mean',
      onProgress: (p) => progress.push(p.embedded),
    });
    const chunks = library.stats().chunks;
    expect(reembedded).toBe(chunks);
    expect(progress.at(-1)).toBe(chunks);
    expect(vecCount(library)).toBe(chunks);
    expect(library.semanticStatus()).toMatchObject({ state: 'on', dimension: 32, embeddedChunks: chunks });
  });

  it('new documents get their vectors in the same ingestion, and removed ones lose them', async () => {
    writeFileSync(path.join(docs, 'b.md'), '# 附录\n\n数据备份恢复：应提供重要数据的本地数据备份与恢复功能。\n');
    const summary = await library.ingest([docs]);
    expect(summary.chunksEmbedded).toBe(summary.chunksWritten);
    expect(vecCount(library)).toBe(library.stats().chunks);
    (await import('node:fs')).rmSync(path.join(docs, 'b.md'));
    await library.ingest([docs]);
    expect(vecCount(library)).toBe(library.stats().chunks);
  });

  it('vector and hybrid search return passages, deterministically', async () => {
    const vector = await library.search('登录失败怎么处理', { retrieval: 'vector', k: 3 });
    expect(vector.length).toBeGreaterThan(0);
    const hybrid1 = await library.search('登录失败怎么处理', { k: 3 });
    const hybrid2 = await library.search('登录失败怎么处理', { k: 3 });
    expect(hybrid1).toEqual(hybrid2);
    expect(hybrid1[0]!.score).toBeLessThanOrEqual(0.0328); // an RRF score: at most 1/61 from each list (2/61, rounded)
  });

  it('a reopened library loads its recorded model', async () => {
    const again = await engine.openLibrary(library.file);
    expect(again.semanticStatus().state).toBe('on');
    expect((await again.search('身份鉴别', { retrieval: 'vector' })).length).toBeGreaterThan(0);
    await again.dispose();
  });

  it('changing the model re-embeds everything; a query vector of the wrong dimension cannot reach the index', async () => {
    const before = library.semanticStatus().modelId;
    const { reembedded } = await library.setEmbeddingModel(SYNTHETIC, { pooling: 'cls' });
    expect(library.semanticStatus().modelId).not.toBe(before);
    expect(reembedded).toBe(library.stats().chunks);
    expect(vecCount(library)).toBe(library.stats().chunks);
    const vectors = new VectorIndex(storeOf(library));
    expect(() => vectors.nearest(new Float32Array(512), 3)).toThrow(/dimension 512 for a library embedded at 32/);
    expect(() => vectors.write([{ chunkId: 1, vector: new Float32Array(8) }])).toThrow(/dimension 8/);
  });

  it('lowercases all of Unicode before embedding, as the token counter does (the bge vocabulary has no uppercase)', async () => {
    const embedder = await TransformersEmbedder.load(SYNTHETIC, { pooling: 'mean' });
    try {
      expect(Array.from(await embedder.embedQuery('GB/T 22239'))).toEqual(
        Array.from(await embedder.embedQuery('gb/t 22239')),
      );
      // Roman numerals and full-width letters: the vocabulary holds ⅲ and ａ, not Ⅲ and Ａ.
      expect(Array.from(await embedder.embedQuery('第Ⅲ级 ＡＢＣ'))).toEqual(
        Array.from(await embedder.embedQuery('第ⅲ级 ａｂｃ')),
      );
      const [a, b] = await embedder.embedPassages(['身份鉴别', '访问控制']);
      expect(a!.length).toBe(32);
      expect(Math.hypot(...a!)).toBeCloseTo(1, 5); // normalised
      expect(Array.from(a!)).not.toEqual(Array.from(b!));
    } finally {
      await embedder.dispose();
    }
  });

  it("what the embedder sends is what the token counter counts: bge's own tokenizer finds no [UNK] in Ⅰ Ⅱ Ⅲ or Ａ–Ｚ", async () => {
    env.allowRemoteModels = false;
    env.localModelPath = path.dirname(TOKENIZER_DIR);
    const tokenizer = await AutoTokenizer.from_pretrained(path.basename(TOKENIZER_DIR));
    const counter = WordPieceTokenCounter.fromDirectory(TOKENIZER_DIR);
    for (const text of ['第Ⅰ级 第Ⅱ级 第Ⅲ级', 'ＧＢ／Ｔ ２２２３９ ＡＢＣ', 'GB/T 22239-2019 Level Ⅳ']) {
      const ids = tokenizer.encode(lowercaseForBge(text), { add_special_tokens: false });
      expect(tokenizer.decode(ids), text).not.toContain('[UNK]');
      expect(ids.length, text).toBe(counter.count(text));
    }
  });

  it('refuses a folder that is not an embedding model, saying what is missing', async () => {
    await expect(TransformersEmbedder.load(TOKENIZER_DIR)).rejects.toThrow(/missing onnx\/model\.onnx/);
  });
});

describe('the optional reranking stage', () => {
  it('is off by default and, when set, re-orders the head of the ranking by its scores', async () => {
    const { dir, cleanup } = tempDir();
    const engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
    try {
      const docs = path.join(dir, 'docs');
      mkdirSync(docs);
      writeFileSync(
        path.join(docs, 'a.md'),
        '# 一\n\n访问控制：应对登录的用户分配账户和权限。\n\n# 二\n\n访问控制：应授予管理用户所需的最小权限。\n\n# 三\n\n访问控制：应删除多余或无效的访问控制规则。\n',
      );
      const library = await engine.openLibrary(path.join(dir, 'r.kb.sqlite'), { create: true });
      await library.ingest([docs]);
      const plain = await library.search('访问控制', { k: 3 });
      expect(plain).toHaveLength(3);
      // A stand-in cross-encoder (no reranker model exists on these machines): it prefers passages naming 最小权限.
      const calls: number[] = [];
      library.setReranker({
        modelId: 'test-reranker',
        score: async (_question, passages) => {
          calls.push(passages.length);
          return passages.map((p) => (p.includes('最小权限') ? 1 : 0));
        },
        dispose: async () => {},
      });
      const reranked = await library.search('访问控制', { k: 2 });
      expect(calls).toEqual([3]);
      expect(reranked).toHaveLength(2);
      expect(reranked[0]!.text).toContain('最小权限');
      expect(reranked[0]!.score).toBe(1);
      const answer = (await library.ask('管理用户的最小权限', { record: false })).answer;
      expect(answer.status, answer.explanation ?? '').toBe('answered');
      expect(answer.citations[0]!.quote).toContain('最小权限');
    } finally {
      await engine.dispose();
      cleanup();
    }
  });
});
