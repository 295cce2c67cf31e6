// The CLI loads the engine when a command runs, not when kb starts: --help, a refused option and a usage error
// answer without it (measured: kb --help 0.34 s, 0.65 s with the engine's entry imported at start). So the CLI
// imports the engine's values only through this function, and types statically.
export type EngineModule = typeof import('../engine/index.ts');

let loading: Promise<EngineModule> | undefined;

/** The engine's public entry, imported once (importing it also keeps the process offline). */
export function loadEngine(): Promise<EngineModule> {
  loading ??= import('../engine/index.ts');
  return loading;
}
