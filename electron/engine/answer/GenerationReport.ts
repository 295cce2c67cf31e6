// The generation report is part of the shared contract (shared/types.ts): re-exported here for the engine.
import type { Answer } from '../../../shared/types.ts';

export type { GenerationReport } from '../../../shared/types.ts';

/** An Answer of mode 'generate'; `generation` is absent when the model was not asked (not_found on retrieval). */
export type GeneratedAnswer = Answer;
