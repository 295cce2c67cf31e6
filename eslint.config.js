// Lint = recommended rules + the layering of ARCHITECTURE.md ("the folder says where code runs", as in VS Code's
// code-layering rule). Each layer gets one `no-restricted-imports` (static imports and re-exports) and one
// `no-restricted-syntax` (dynamic `import()` and `require()`), built from the same list so they cannot drift.
// No type-aware rules: they would make `eslint .` slow, and tsc already type-checks every runtime.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((name) => !name.includes('/'));
const NODE_BUILTIN = `^(node:.*|(${nodeBuiltins.join('|')})(/.*)?)$`;
const ELECTRON_PACKAGE = '^electron(/.*)?$';
// Packages that only load in Node: native addons and the parsers that need the file system.
const NODE_ONLY_PACKAGES =
  '^(better-sqlite3|sqlite-vec|node-llama-cpp|@node-rs/jieba|pdf-parse|pdfjs-dist|mammoth)(/.*)?$';
// The renderer draws cited PDF pages with pdf.js's browser build (pdfjs-dist/build, not pdfjs-dist/legacy: Node's).
const NOT_FOR_THE_RENDERER =
  '^(better-sqlite3|sqlite-vec|node-llama-cpp|@node-rs/jieba|pdf-parse|mammoth|pdfjs-dist/legacy)(/.*)?$';

/**
 * One layer of the architecture: which files it covers and which import specifiers it refuses.
 * @param {string[]} files globs of the layer
 * @param {{ regex: string, message: string }[]} forbidden specifiers (JS regex source) and the policy they break
 * @param {string[]} [ignores] globs inside `files` that are a layer of their own (flat config does not merge two
 *   `no-restricted-imports` for one file: the later one wins, so a sub-layer repeats its parent's rules)
 */
function layer(files, forbidden, ignores = []) {
  // esquery's /regex/ cannot contain a slash, even escaped; \x2F is the same character to RegExp.
  const esquery = (regex) => `/${regex.replaceAll('/', '\\x2F')}/`;
  return {
    files,
    ignores,
    rules: {
      'no-restricted-imports': ['error', { patterns: forbidden.map(({ regex, message }) => ({ regex, message })) }],
      'no-restricted-syntax': [
        'error',
        ...forbidden.flatMap(({ regex, message }) => [
          {
            selector: `ImportExpression[source.value=${esquery(regex)}]`,
            message: `import() of this module is ${message}`,
          },
          {
            selector: `CallExpression[callee.name='require'][arguments.0.value=${esquery(regex)}]`,
            message: `require() of this module is ${message}`,
          },
        ]),
      ],
    },
  };
}

/** The engine's rules; node-llama-cpp (slow to load, native, one owner of the model) only under engine/llm/. */
function engineLayers() {
  const engine = [
    {
      regex: ELECTRON_PACKAGE,
      message:
        'NOT allowed here: the engine runs on plain Node (CLI, tests, kb serve) and gets everything from createEngine(config)',
    },
    { regex: '(^|/)renderer(/|$)', message: 'NOT allowed here: the engine never imports renderer code' },
    {
      regex: '(^|/)(cli|serve|engine-host|main|preload)/',
      message:
        'NOT allowed here: the engine is a library; the faces (electron/cli, serve, engine-host, main) import it, never the other way',
    },
  ];
  const llama = {
    regex: '^node-llama-cpp(/.*)?$',
    message: 'NOT allowed here: node-llama-cpp is used only under electron/engine/llm/ (LlamaModelHost owns the model)',
  };
  return [
    layer(['electron/engine/**'], [...engine, llama], ['electron/engine/llm/**']),
    layer(['electron/engine/llm/**'], engine),
  ];
}

/**
 * The faces beside the engine: the CLI, kb serve and the utility-process host run on plain Node and reach the engine
 * only through its public entry, as electron/main does.
 */
function faceLayers() {
  const faces = [
    {
      regex: '(^|/)engine/(?!index\\.ts$)',
      message: "NOT allowed here: a face uses the engine only through its public entry 'electron/engine/index.ts'",
    },
    {
      regex: ELECTRON_PACKAGE,
      message: 'NOT allowed here: the CLI, kb serve and the engine host run on plain Node (no Electron API)',
    },
    {
      regex: '^node-llama-cpp(/.*)?$',
      message: 'NOT allowed here: node-llama-cpp is used only under electron/engine/llm/',
    },
    { regex: '(^|/)(renderer|main|preload)/', message: 'NOT allowed here: a face never imports renderer or main code' },
  ];
  return [layer(['electron/cli/**', 'electron/serve/**', 'electron/engine-host/**'], faces)];
}

export default defineConfig(
  { ignores: ['node_modules/', 'out/', 'dist/', '.tmp/', 'test-results/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },

  layer(
    ['shared/**'],
    [
      {
        regex: '^[^.]',
        message: 'NOT allowed here: shared/ runs everywhere (no Node, no DOM), so it imports nothing but shared/',
      },
      {
        regex: '(^|/)(electron|renderer|scripts|bin|tests|node_modules)(/|$)',
        message: 'NOT allowed here: shared/ imports nothing but shared/',
      },
    ],
  ),
  layer(
    ['renderer/**'],
    [
      { regex: NODE_BUILTIN, message: 'NOT allowed here: the renderer has no Node (ask the engine through window.kb)' },
      {
        regex: ELECTRON_PACKAGE,
        message: 'NOT allowed here: the renderer is a sandboxed web page; use window.kb from the preload',
      },
      {
        regex: '(^|/)electron/(engine|main|preload)(/|$)',
        message: 'NOT allowed here: the renderer reaches the engine only through window.kb',
      },
      {
        regex: NOT_FOR_THE_RENDERER,
        message: 'NOT allowed here: native and file-system packages belong to the engine',
      },
    ],
  ),
  layer(
    ['electron/preload/**'],
    [
      { regex: NODE_BUILTIN, message: 'NOT allowed here: the preload is sandboxed and has no Node' },
      {
        regex: '(^|/)engine(/|$)',
        message: 'NOT allowed here: the preload talks to main over IPC, never to the engine',
      },
      { regex: NODE_ONLY_PACKAGES, message: 'NOT allowed here: native and file-system packages belong to the engine' },
    ],
  ),
  layer(
    ['electron/main/**'],
    [
      {
        regex: '(^|/)engine/(?!index\\.ts$)',
        message: "NOT allowed here: main uses the engine only through its public entry 'electron/engine/index.ts'",
      },
      { regex: '(^|/)renderer(/|$)', message: 'NOT allowed here: main never imports renderer code' },
      {
        regex: '(^|/)(cli|serve|engine-host)/',
        message: 'NOT allowed here: main forks the engine host as a built file and never imports the other faces',
      },
    ],
  ),
  ...engineLayers(),
  ...faceLayers(),
);
