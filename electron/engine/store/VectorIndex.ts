import type Database from 'better-sqlite3';
import type { LibraryStore } from './LibraryStore.ts';

export interface VectorModelInfo {
  modelId: string;
  dimension: number;
  /** Folder the model was loaded from, so that later commands can load it again. */
  modelPath: string;
}

export interface VectorCandidate {
  chunkId: number;
  /** Cosine distance, 0 = same direction. */
  distance: number;
}

/**
 * Up to this many vectors, KNN is exact: sqlite-vec scans the float32 vectors (p95 ≈ 21 ms at 10k × 512-d on a
 * 2-core machine, 150–220 ms at 100k: see npm run bench:search). Above it, a sign-bit copy of each vector (64 bytes
 * at 512-d) is scanned for candidates and those are re-scored with their float32 vectors.
 */
export const EXACT_SEARCH_LIMIT = 20_000;
/**
 * Candidates re-scored in quantised search: 3 × k, at least 100 (so 100 for the usual k = 10, 300 for the 100 that
 * fusion asks for). Sign bits of a 512-d vector keep most of its angle; the exact re-scoring fixes the order.
 */
const OVERSAMPLE = 3;
const MIN_CANDIDATES = 100;

/**
 * The sqlite-vec `vec0` tables of chunk embeddings (rowid = chunk id): `chunks_vec` holds float32 vectors compared
 * by cosine distance, `chunks_vec_bit` their binary quantisation for fast candidate search in large libraries.
 * Their dimension is the embedding model's, so they are created when a model is set, and dropped and re-created
 * when the model changes: vectors of two models are never mixed, and a query of the wrong dimension is refused
 * before it reaches SQLite.
 */
export class VectorIndex {
  readonly #store: LibraryStore;
  readonly #db: Database.Database;

  constructor(store: LibraryStore) {
    this.#store = store;
    this.#db = store.database;
  }

  /** The model the library's vectors belong to, or null when semantic search is not set up. */
  model(): VectorModelInfo | null {
    const modelId = this.#store.getMeta('embedding_model_id');
    const dimension = Number(this.#store.getMeta('embedding_dimension'));
    const modelPath = this.#store.getMeta('embedding_model_path');
    return modelId && dimension > 0 && modelPath ? { modelId, dimension, modelPath } : null;
  }

  /**
   * Sets the embedding model. Returns true when the vectors must be (re)computed: a first model, or a different one
   * (whose old vectors are dropped in the same transaction).
   */
  setModel(info: VectorModelInfo): boolean {
    const current = this.model();
    return this.#db.transaction(() => {
      this.#store.setMeta('embedding_model_path', info.modelPath);
      if (current && current.modelId === info.modelId && current.dimension === info.dimension) return false;
      this.#db.exec(
        'DROP TRIGGER IF EXISTS chunks_vec_delete; DROP TABLE IF EXISTS chunks_vec; DROP TABLE IF EXISTS chunks_vec_bit;',
      );
      // Multiples of 8: the binary quantisation packs 8 dimensions a byte.
      if (
        !Number.isInteger(info.dimension) ||
        info.dimension <= 0 ||
        info.dimension > 8192 ||
        info.dimension % 8 !== 0
      ) {
        throw new Error(`unsupported embedding dimension ${info.dimension} (must be a multiple of 8, at most 8192)`);
      }
      // chunk_size: vec0 stores vectors in blobs of chunk_size rows. Reading one vector (re-scoring) walks its blob's
      // overflow pages, so the float table uses small blobs (64 rows: 1.4 ms for 100 look-ups at 100k, against 40 ms
      // with the default 1024, while a full scan costs the same); the bit table is only scanned, so big blobs (4096:
      // 2× faster than 1024).
      this.#db.exec(`
        CREATE VIRTUAL TABLE chunks_vec USING vec0(embedding float[${info.dimension}] distance_metric=cosine, chunk_size=64);
        CREATE VIRTUAL TABLE chunks_vec_bit USING vec0(code bit[${info.dimension}], chunk_size=4096);
        CREATE TRIGGER chunks_vec_delete AFTER DELETE ON chunks BEGIN
          DELETE FROM chunks_vec WHERE rowid = old.id;
          DELETE FROM chunks_vec_bit WHERE rowid = old.id;
        END;
      `);
      this.#store.setMeta('embedding_model_id', info.modelId);
      this.#store.setMeta('embedding_dimension', String(info.dimension));
      return true;
    })();
  }

  #checkDimension(vector: Float32Array): void {
    const model = this.model();
    if (!model) throw new Error('this library has no embedding model: semantic search is off');
    if (vector.length !== model.dimension) {
      throw new Error(
        `vector of dimension ${vector.length} for a library embedded at ${model.dimension} (${model.modelId})`,
      );
    }
  }

  /** Writes vectors for chunks (inside the caller's transaction when there is one). */
  write(rows: { chunkId: number; vector: Float32Array }[]): void {
    if (rows.length === 0) return;
    const insert = this.#db.prepare('INSERT OR REPLACE INTO chunks_vec (rowid, embedding) VALUES (?, ?)');
    const insertCode = this.#db.prepare(
      'INSERT OR REPLACE INTO chunks_vec_bit (rowid, code) VALUES (?, vec_quantize_binary(?))',
    );
    this.#db.transaction(() => {
      for (const row of rows) {
        this.#checkDimension(row.vector);
        const bytes = Buffer.from(row.vector.buffer, row.vector.byteOffset, row.vector.byteLength);
        insert.run(BigInt(row.chunkId), bytes);
        insertCode.run(BigInt(row.chunkId), bytes);
      }
    })();
  }

  /** Chunks of indexed documents that have no vector yet, in id order. */
  chunksWithoutVectors(limit: number): { chunkId: number; text: string; headingPath: string[] }[] {
    if (!this.model()) return [];
    const rows = this.#db
      .prepare(
        `SELECT c.id, c.text, c.heading_path FROM chunks c JOIN documents d ON d.id = c.document_id
                WHERE d.status = 'indexed' AND NOT EXISTS (SELECT 1 FROM chunks_vec v WHERE v.rowid = c.id) ORDER BY c.id LIMIT ?`,
      )
      .all(limit) as { id: number; text: string; heading_path: string }[];
    return rows.map((row) => ({
      chunkId: row.id,
      text: row.text,
      headingPath: JSON.parse(row.heading_path) as string[],
    }));
  }

  embeddedCount(): number {
    if (!this.model()) return 0;
    // vec0 keeps its rowids in a shadow table: counting there is an index scan; count(*) on chunks_vec reads every vector.
    return (this.#db.prepare('SELECT count(*) AS n FROM chunks_vec_rowids').get() as { n: number }).n;
  }

  /**
   * k nearest chunks to a query vector by cosine distance; ties by chunk id. Exact up to EXACT_SEARCH_LIMIT vectors,
   * then binary-quantised candidates re-scored exactly (see EXACT_SEARCH_LIMIT).
   */
  nearest(query: Float32Array, k: number, mode: 'auto' | 'exact' | 'quantized' = 'auto'): VectorCandidate[] {
    this.#checkDimension(query);
    const bytes = Buffer.from(query.buffer, query.byteOffset, query.byteLength);
    const quantized = mode === 'quantized' || (mode === 'auto' && this.embeddedCount() > EXACT_SEARCH_LIMIT);
    let rows: { chunkId: number; distance: number }[];
    if (!quantized) {
      rows = (
        this.#db
          .prepare('SELECT rowid AS id, distance FROM chunks_vec WHERE embedding MATCH ? AND k = ? ORDER BY distance')
          .all(bytes, k) as { id: number | bigint; distance: number }[]
      ).map((row) => ({ chunkId: Number(row.id), distance: row.distance }));
    } else {
      const candidates = this.#db
        .prepare(
          'SELECT rowid AS id FROM chunks_vec_bit WHERE code MATCH vec_quantize_binary(?) AND k = ? ORDER BY distance',
        )
        .all(bytes, Math.max(MIN_CANDIDATES, k * OVERSAMPLE)) as { id: number | bigint }[];
      // One primary-key lookup each: vec0 answers `rowid = ?` fast, `rowid IN (…)` by scanning.
      const lookup = this.#db.prepare(
        'SELECT vec_distance_cosine(embedding, ?) AS distance FROM chunks_vec WHERE rowid = ?',
      );
      rows = candidates.map((row) => ({
        chunkId: Number(row.id),
        distance: (lookup.get(bytes, row.id) as { distance: number }).distance,
      }));
    }
    // vec0 allows one ORDER BY distance only: equal distances are ordered by chunk id here, for stable results.
    return rows.sort((a, b) => a.distance - b.distance || a.chunkId - b.chunkId).slice(0, k);
  }
}

/** The text a chunk is embedded as: its heading path first, so that "8.1.4.1 身份鉴别" is part of its meaning. */
export function passageForEmbedding(headingPath: string[], text: string): string {
  return headingPath.length > 0 ? `${headingPath.join(' › ')}\n${text}` : text;
}
