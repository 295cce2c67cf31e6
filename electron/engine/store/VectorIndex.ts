import type Database from 'better-sqlite3';

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
 * The sqlite-vec `vec0` table of chunk embeddings (rowid = chunk id, cosine distance). Its dimension is the
 * embedding model's, so it is created when a model is set, and dropped and re-created when the model changes:
 * vectors of two models are never mixed, and a query of the wrong dimension is refused before it reaches SQLite.
 */
export class VectorIndex {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  #meta(key: string): string | null {
    return (this.#db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
  }

  #setMeta(key: string, value: string): void {
    this.#db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** The model the library's vectors belong to, or null when semantic search is not set up. */
  model(): VectorModelInfo | null {
    const modelId = this.#meta('embedding_model_id');
    const dimension = Number(this.#meta('embedding_dimension'));
    const modelPath = this.#meta('embedding_model_path');
    return modelId && dimension > 0 && modelPath ? { modelId, dimension, modelPath } : null;
  }

  /**
   * Sets the embedding model. Returns true when the vectors must be (re)computed: a first model, or a different one
   * (whose old vectors are dropped in the same transaction).
   */
  setModel(info: VectorModelInfo): boolean {
    const current = this.model();
    return this.#db.transaction(() => {
      this.#setMeta('embedding_model_path', info.modelPath);
      if (current && current.modelId === info.modelId && current.dimension === info.dimension) return false;
      this.#db.exec('DROP TRIGGER IF EXISTS chunks_vec_delete; DROP TABLE IF EXISTS chunks_vec;');
      if (!Number.isInteger(info.dimension) || info.dimension <= 0 || info.dimension > 8192) throw new Error(`invalid embedding dimension ${info.dimension}`);
      this.#db.exec(`
        CREATE VIRTUAL TABLE chunks_vec USING vec0(embedding float[${info.dimension}] distance_metric=cosine);
        CREATE TRIGGER chunks_vec_delete AFTER DELETE ON chunks BEGIN DELETE FROM chunks_vec WHERE rowid = old.id; END;
      `);
      this.#setMeta('embedding_model_id', info.modelId);
      this.#setMeta('embedding_dimension', String(info.dimension));
      return true;
    })();
  }

  #checkDimension(vector: Float32Array): void {
    const model = this.model();
    if (!model) throw new Error('this library has no embedding model: semantic search is off');
    if (vector.length !== model.dimension) {
      throw new Error(`vector of dimension ${vector.length} for a library embedded at ${model.dimension} (${model.modelId})`);
    }
  }

  /** Writes vectors for chunks (inside the caller's transaction when there is one). */
  write(rows: { chunkId: number; vector: Float32Array }[]): void {
    if (rows.length === 0) return;
    const insert = this.#db.prepare('INSERT OR REPLACE INTO chunks_vec (rowid, embedding) VALUES (?, ?)');
    this.#db.transaction(() => {
      for (const row of rows) {
        this.#checkDimension(row.vector);
        insert.run(BigInt(row.chunkId), Buffer.from(row.vector.buffer, row.vector.byteOffset, row.vector.byteLength));
      }
    })();
  }

  /** Chunks of indexed documents that have no vector yet, in id order. */
  chunksWithoutVectors(limit: number): { chunkId: number; text: string; headingPath: string[] }[] {
    if (!this.model()) return [];
    const rows = this.#db
      .prepare(`SELECT c.id, c.text, c.heading_path FROM chunks c JOIN documents d ON d.id = c.document_id
                WHERE d.status = 'indexed' AND NOT EXISTS (SELECT 1 FROM chunks_vec v WHERE v.rowid = c.id) ORDER BY c.id LIMIT ?`)
      .all(limit) as { id: number; text: string; heading_path: string }[];
    return rows.map((row) => ({ chunkId: row.id, text: row.text, headingPath: JSON.parse(row.heading_path) as string[] }));
  }

  embeddedCount(): number {
    if (!this.model()) return 0;
    return (this.#db.prepare('SELECT count(*) AS n FROM chunks_vec').get() as { n: number }).n;
  }

  /** k nearest chunks to a query vector by cosine distance; ties by chunk id. */
  nearest(query: Float32Array, k: number): VectorCandidate[] {
    this.#checkDimension(query);
    const rows = this.#db
      .prepare('SELECT rowid AS id, distance FROM chunks_vec WHERE embedding MATCH ? AND k = ? ORDER BY distance')
      .all(Buffer.from(query.buffer, query.byteOffset, query.byteLength), k) as { id: number | bigint; distance: number }[];
    // vec0 allows one ORDER BY distance only: equal distances are ordered by chunk id here, for stable results.
    return rows.map((row) => ({ chunkId: Number(row.id), distance: row.distance })).sort((a, b) => a.distance - b.distance || a.chunkId - b.chunkId);
  }
}

/** The text a chunk is embedded as: its heading path first, so that "8.1.4.1 身份鉴别" is part of its meaning. */
export function passageForEmbedding(headingPath: string[], text: string): string {
  return headingPath.length > 0 ? `${headingPath.join(' › ')}\n${text}` : text;
}
