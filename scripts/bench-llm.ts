// Local LLM speed on a RAG-sized prompt: npm run bench:llm -- --model <file.gguf> [--threads N] [--gpu-layers N|auto]
//   [--gpu auto|cpu|metal|cuda|vulkan] [--context-size N] [--prompt-tokens 1500] [--answer-tokens 128] [--runs 3]
// Prints load time, time to first token, prompt processing and generation tokens/s (medians over the runs) for the
// prompt answerGenerated builds: the instructions, numbered passages of GB/T 22239 text (repeated up to
// --prompt-tokens in the model's own tokenizer) and a question. Greedy decoding, as in the app.
// Not a test: machines are shared and noisy. On several CUDA GPUs, CUDA_VISIBLE_DEVICES chooses the devices.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Citation } from '../shared/types.ts';
import { buildAnswerPrompt } from '../electron/engine/answer/buildAnswerPrompt.ts';
import { LlamaModelHost, type LoadOptions } from '../electron/engine/llm/LlamaModelHost.ts';
import { GPU_MODES } from '../shared/engineApi.ts';

// Passage text for the prompt: clauses of GB/T 22239-2019 level 3, as the library would retrieve them.
const CLAUSES: { heading: string[]; text: string }[] = [
  {
    heading: ['8 第三级安全要求', '8.1.4 安全计算环境', '8.1.4.1 身份鉴别'],
    text:
      '本项要求包括：\na）应对登录的用户进行身份标识和鉴别，身份标识具有唯一性，身份鉴别信息具有复杂度要求并定期更换；\n' +
      'b）应具有登录失败处理功能，应配置并启用结束会话、限制非法登录次数和当登录连接超时自动退出等相关措施；\n' +
      'c）当进行远程管理时，应采取必要措施防止鉴别信息在网络传输过程中被窃听；\n' +
      'd）应采用口令、密码技术、生物技术等两种或两种以上组合的鉴别技术对用户进行身份鉴别，且其中一种鉴别技术至少应使用密码技术来实现。',
  },
  {
    heading: ['8 第三级安全要求', '8.1.4 安全计算环境', '8.1.4.2 访问控制'],
    text:
      '本项要求包括：\na）应对登录的用户分配账户和权限；\nb）应重命名或删除默认账户，修改默认账户的默认口令；\n' +
      'c）应及时删除或停用多余的、过期的账户，避免共享账户的存在；\nd）应授予管理用户所需的最小权限，实现管理用户的权限分离；\n' +
      'e）应由授权主体配置访问控制策略，访问控制策略规定主体对客体的访问规则；\nf）访问控制的粒度应达到主体为用户级或进程级，客体为文件、数据库表级；\n' +
      'g）应对重要主体和客体设置安全标记，并控制主体对有安全标记信息资源的访问。',
  },
  {
    heading: ['8 第三级安全要求', '8.1.4 安全计算环境', '8.1.4.3 安全审计'],
    text:
      '本项要求包括：\na）应启用安全审计功能，审计覆盖到每个用户，对重要的用户行为和重要安全事件进行审计；\n' +
      'b）审计记录应包括事件的日期和时间、用户、事件类型、事件是否成功及其他与审计相关的信息；\n' +
      'c）应对审计记录进行保护，定期备份，避免受到未预期的删除、修改或覆盖等；\nd）应对审计进程进行保护，防止未经授权的中断。',
  },
];
const QUESTION = '三级系统在安全计算环境中对身份鉴别、访问控制和安全审计分别有哪些要求？';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    threads: { type: 'string' },
    'gpu-layers': { type: 'string' },
    gpu: { type: 'string' },
    'context-size': { type: 'string' },
    'prompt-tokens': { type: 'string' },
    'answer-tokens': { type: 'string' },
    runs: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`bench:llm: ${message}`);
  process.exit(2);
}

function wholeNumber(raw: string | undefined, name: string, fallback: number | undefined): number | undefined {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) fail(`--${name} must be a whole number, got "${raw}"`);
  return value;
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const modelFile = values.model ?? fail('missing --model <file.gguf>');
const gpu = GPU_MODES.find((mode) => mode === (values.gpu ?? 'auto'));
if (gpu === undefined) fail(`--gpu must be one of ${GPU_MODES.join(', ')}, got "${values.gpu}"`);
const threads = wholeNumber(values.threads, 'threads', undefined);
const gpuLayers: 'auto' | number =
  values['gpu-layers'] === undefined || values['gpu-layers'] === 'auto'
    ? 'auto'
    : wholeNumber(values['gpu-layers'], 'gpu-layers', 0)!;
const contextSize = wholeNumber(values['context-size'], 'context-size', undefined);
const promptTarget = wholeNumber(values['prompt-tokens'], 'prompt-tokens', 1500)!;
const answerTokens = wholeNumber(values['answer-tokens'], 'answer-tokens', 128)!;
const runs = Math.max(1, wholeNumber(values.runs, 'runs', 3)!);

const host = await LlamaModelHost.create({ gpu, logger: () => undefined });
try {
  const loadOptions: LoadOptions = {
    gpuLayers,
    ...(threads === undefined ? {} : { threads }),
    ...(contextSize === undefined ? {} : { contextSize }),
  };
  const first = await host.load(modelFile, loadOptions);

  // Passages are added, cycling through the clauses, until the prompt reaches the target size in model tokens.
  const citations: Citation[] = [];
  let prompt = buildAnswerPrompt(QUESTION, citations, {
    countPromptTokens: (m) => host.countPromptTokens(m),
    tokenBudget: Number.MAX_SAFE_INTEGER,
  });
  while (prompt.promptTokens < promptTarget) {
    const clause = CLAUSES[citations.length % CLAUSES.length]!;
    citations.push({
      n: citations.length + 1,
      documentId: 1,
      documentPath: '/bench/GBT22239-2019_基本要求.md',
      documentTitle: 'GB/T 22239-2019 网络安全等级保护基本要求',
      headingPath: clause.heading,
      page: null,
      pageEnd: null,
      charStart: 0,
      charEnd: clause.text.length,
      quote: clause.text,
      chunkIds: [citations.length + 1],
      standard: 'GB/T 22239-2019',
      level: 3,
      alsoIn: [],
    });
    prompt = buildAnswerPrompt(QUESTION, citations, {
      countPromptTokens: (m) => host.countPromptTokens(m),
      tokenBudget: host.contextSize - answerTokens,
    });
    if (prompt.dropped > 0) break;
  }

  const loadMs: number[] = [first.loadMs];
  const ttft: number[] = [];
  const promptRate: number[] = [];
  const generationRate: number[] = [];
  const generated: number[] = [];
  const stops = new Set<string>();
  for (let run = 0; run < runs; run++) {
    if (run > 0) loadMs.push((await host.load(modelFile, loadOptions)).loadMs);
    const result = await host.generate(prompt.messages, { maxTokens: answerTokens });
    if (result.firstTokenMs === null || result.tokens === 0) fail('the model generated nothing: no speed to measure');
    ttft.push(result.firstTokenMs);
    promptRate.push(result.promptTokens / (result.firstTokenMs / 1000));
    const decodeMs = result.totalMs - result.firstTokenMs;
    if (result.tokens > 1 && decodeMs > 0) generationRate.push((result.tokens - 1) / (decodeMs / 1000));
    generated.push(result.tokens);
    stops.add(result.stopReason);
  }

  const { info, fit } = first;
  const gpuInfo = await host.gpuInfo();
  const params =
    info.parameters === null
      ? '?'
      : info.parameters >= 1e9
        ? `${(info.parameters / 1e9).toFixed(1)}B`
        : `${(info.parameters / 1e6).toFixed(1)}M`;
  const backend = gpuInfo.backend === 'cpu' ? 'CPU' : `${gpuInfo.backend} (${gpuInfo.devices.join(', ') || 'GPU'})`;
  const rate = (values: number[]): string =>
    values.length ? `${Math.round(median(values)).toLocaleString('en-US')} tok/s` : 'n/a';
  console.log(
    `node ${process.version}, ${os.platform()}-${os.arch()}, ${os.cpus().length} logical cores; llama.cpp ${gpuInfo.llamaCppRelease} on ${backend}`,
  );
  console.log(
    `model ${path.basename(info.file)}: ${info.architecture}, ${info.quantization ?? '?'}, ${params} parameters, ` +
      `${(info.sizeBytes / 1024 / 1024).toFixed(1)} MB; prompt format ${first.chatWrapper}`,
  );
  console.log(
    `threads ${first.threads}, GPU layers ${first.gpuLayers}/${fit.totalLayers}, context ${first.contextSize} tokens; ${fit.summary}`,
  );
  console.log(
    `prompt ${prompt.promptTokens.toLocaleString('en-US')} tokens (${prompt.passages.length} passage${prompt.passages.length === 1 ? '' : 's'}), answer cap ${answerTokens} tokens, ` +
      `greedy; ${runs} run(s), medians`,
  );
  console.log(`  load time              ${Math.round(median(loadMs))} ms (first load ${first.loadMs} ms)`);
  console.log(`  time to first token    ${Math.round(median(ttft))} ms`);
  console.log(`  prompt processing      ${rate(promptRate)}`);
  console.log(
    `  generation             ${rate(generationRate)} (${Math.round(median(generated))} tokens; stop: ${[...stops].join(', ')})`,
  );
} finally {
  await host.dispose();
}
