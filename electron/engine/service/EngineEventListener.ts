import type { EngineEventName, EngineEvents } from '../../../shared/engineApi.ts';

/** Receives the service's events (job progress and ends, answer tokens, model load progress). */
export type EngineEventListener = <E extends EngineEventName>(event: E, payload: EngineEvents[E]) => void;
