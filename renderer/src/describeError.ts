// Errors worded at the edge: the engine sends a code and the facts (params); the page says it in the reader's
// language. Written against anything shaped like a KbError ({ code, params, message }): a KbError, a RemoteError,
// or an Error with those fields from the WebSocket client. A code this page does not know (a newer engine) or an
// error without one is shown by its message.
import { ERROR_CODES, failedFileErrorCode, isErrorCode, type ErrorCode } from '../../shared/errorCodes.ts';
import type { SkipReason } from '../../shared/types.ts';
import type { Language } from './i18n.ts';

/** One code's sentence in each language; `{name}` is filled from the error's params. */
export interface ErrorWording {
  zh: string;
  en: string;
}

/** Every code's wording; a code missing here is a type error, and a test checks each uses exactly its params. */
export const ERROR_WORDINGS: Record<ErrorCode, ErrorWording> = {
  'library.not-found': {
    zh: '找不到知识库 {file}：先用 kb ingest 导入文件夹来创建它',
    en: 'No library at {file}: create it by importing a folder with kb ingest',
  },
  'library.not-a-library': {
    zh: '{file} 不是本应用的知识库文件（文件未被改动）',
    en: '{file} is not a library of this app (the file was left untouched)',
  },
  'library.newer-version': {
    zh: '{file} 由更新版本的应用写入（格式版本 {version}，本应用最高支持 {supported}）：请升级应用后再打开，文件未被改动',
    en: '{file} was written by a newer version of this app (schema {version}, this app knows up to {supported}): update the app to open it; the file was not changed',
  },
  'library.corrupt': {
    zh: '知识库 {file} 已损坏（{detail}）：请从备份恢复，文件未被改动',
    en: 'The library {file} is damaged ({detail}): restore it from a backup; the file was not changed',
  },
  'library.unreadable': {
    zh: '无法打开知识库 {file}：{detail}',
    en: 'Cannot open the library {file}: {detail}',
  },
  'library.read-only': {
    zh: '知识库 {file} 是只读的：可以检索和提问，但添加、删除或修改需要可写的知识库（让文件及其文件夹可写，或复制一份）',
    en: 'The library {file} is read-only: searching and asking work, but adding, removing or editing needs a library you can write (make the file and its folder writable, or copy it)',
  },
  'library.read-only-needs-upgrade': {
    zh: '知识库 {file} 由旧版本应用写入，需要升级格式后才能读取，但它是只读的：让它可写（或复制到可写的文件夹）后再打开，文件未被改动',
    en: 'The library {file} was written by an older version of this app and must be updated before it can be read, but it is read-only: make it writable (or copy it to a folder you can write) and open it again; the file was not changed',
  },
  'library.read-only-folder': {
    zh: '知识库 {file} 所在的文件夹不可写：SQLite 需要在知识库旁边建立一个小索引文件（-shm）。请把知识库复制到可写的文件夹（或让该文件夹可写）',
    en: 'The library {file} is in a folder this user cannot write: SQLite needs a small index file (-shm) beside it; copy the library to a folder you can write (or make this one writable)',
  },
  'library.disk-full': {
    zh: '存放知识库 {file} 的磁盘已满：之前已导入的内容仍保留在知识库中；腾出空间后再运行一次（未变的文件会跳过）',
    en: 'The disk holding {file} is full: what was indexed before stays in the library; free some space and run it again (unchanged files are skipped)',
  },
  'library.io-error': {
    zh: '读写知识库 {file} 失败（{sqliteCode}）：磁盘可能出现故障、已满或已断开；之前保存的内容都还在',
    en: 'Reading or writing {file} failed ({sqliteCode}): the drive may be failing, full or disconnected; what was saved before is kept',
  },
  'library.ingest-running': {
    zh: '知识库 {file} 正在导入：请等它完成',
    en: 'An import into {file} is already running: wait for it to finish',
  },
  'library.no-conversation': {
    zh: '知识库中没有第 {conversationId} 号对话',
    en: 'There is no conversation {conversationId} in this library',
  },
  'model-file.not-found': {
    zh: '找不到模型文件 {file}：请检查路径，或重新导入 .gguf 文件',
    en: 'No model file at {file}: check the path, or import the .gguf file again',
  },
  'model-file.not-a-file': {
    zh: '{file} 是文件夹，不是模型文件：请选择 .gguf 文件本身',
    en: '{file} is a folder, not a model file: choose the .gguf file itself',
  },
  'model-file.unreadable': {
    zh: '无法读取模型文件 {file}（{detail}）：请确认文件存在且你有权读取',
    en: 'Cannot read the model file {file} ({detail}): check that it exists and that you may read it',
  },
  'model-file.not-gguf': {
    zh: '{file} 不是 GGUF 模型文件：请选择为 llama.cpp 制作的 .gguf 文件（PyTorch 或 safetensors 权重需先转换为 GGUF）',
    en: '{file} is not a GGUF model file: choose a .gguf made for llama.cpp (PyTorch or safetensors weights must be converted to GGUF first)',
  },
  'model-file.truncated': {
    zh: '模型文件 {file} 不完整或已损坏（复制或下载被中断）：请重新复制该文件',
    en: 'The model file {file} is incomplete or damaged (the copy or download was interrupted): copy it again',
  },
  'model-file.unsupported-architecture': {
    zh: '{file} 是“{architecture}”架构的模型，本应用的 llama.cpp 不支持：请选择受支持模型的 GGUF（ChatGLM3-6B 为 chatglm），或升级应用',
    en: '{file} is a "{architecture}" model, an architecture the llama.cpp in this app does not know: choose a GGUF of a supported model (ChatGLM3-6B is chatglm), or update the app',
  },
  'model-file.load-failed': {
    zh: 'llama.cpp 无法加载 {file}（{detail}）：如果文件已损坏，请重新复制',
    en: 'llama.cpp could not load {file} ({detail}): if the file is damaged, copy it again',
  },
  'model-file.context-failed': {
    zh: '{file} 已加载，但无法分配 {contextSize} 个词元的上下文（{detail}）：请减小上下文长度或 GPU 层数',
    en: '{file} loaded, but its {contextSize}-token context could not be allocated ({detail}): use a smaller context size or fewer GPU layers',
  },
  'llm.backend-failed': {
    zh: 'llama.cpp 无法在 {backend} 后端上启动（{detail}）：请把 GPU 选为“自动”或“CPU”',
    en: 'llama.cpp could not start on the {backend} backend ({detail}): choose GPU "auto" or "CPU"',
  },
  'llm.backend-fallback': {
    zh: '选择了 {backend} 后端，但 llama.cpp 实际运行在 {actual} 上：请把 GPU 选为“自动”或“CPU”',
    en: 'The {backend} backend was asked for, but llama.cpp started on {actual}: choose GPU "auto" or "CPU"',
  },
  'llm.not-loaded': {
    zh: '生成式回答需要本地大模型：请先加载 .gguf 模型，或使用“精确”模式',
    en: 'Generated answers need a local LLM: load a .gguf model first, or use the exact mode',
  },
  'embedding.model-invalid': {
    zh: '{folder} 不是 transformers.js 嵌入模型文件夹：缺少 {missing}',
    en: '{folder} is not a transformers.js embedding model folder: missing {missing}',
  },
  'embedding.model-load-failed': {
    zh: '无法加载 {folder} 中的嵌入模型：{detail}',
    en: 'Cannot load the embedding model in {folder}: {detail}',
  },
  'embedding.retrieval-unavailable': {
    zh: '无法使用 {retrieval} 检索：{detail}',
    en: '{retrieval} retrieval is not available: {detail}',
  },
  'parse.corrupt': {
    zh: '文件已损坏，或内容与扩展名不符',
    en: 'The file is damaged, or not what its extension says',
  },
  'parse.encrypted': {
    zh: '文件有密码保护：去掉密码后再添加',
    en: 'The file is password-protected: remove the password and add it again',
  },
  'parse.empty': {
    zh: '文件中没有可索引的文字',
    en: 'The file holds no text to index',
  },
  'parse.no-text-layer': {
    zh: '没有可提取的文字（扫描件？）：暂不支持 OCR',
    en: 'No extractable text (a scanned document?): OCR is not supported yet',
  },
  'parse.unsupported': {
    zh: '不支持这种文件格式',
    en: 'This file format is not supported',
  },
  'parse.too-large': {
    zh: '文件超过大小限制',
    en: 'The file is over the size limit',
  },
  'ingest.input-not-found': {
    zh: '找不到文件或文件夹：{path}',
    en: 'No such file or folder: {path}',
  },
  'ingest.file-unreadable': {
    zh: '无法读取该文件',
    en: 'The file could not be read',
  },
  'ingest.file-failed': {
    zh: '处理该文件时出现意外错误',
    en: 'An unexpected error stopped this file',
  },
  'args.invalid': {
    zh: '请求的参数不正确（{method}：{detail}）',
    en: 'The request had wrong arguments ({method}: {detail})',
  },
  'cli.usage': { zh: '命令行有误：{detail}', en: '{detail}' },
  'serve.usage': { zh: 'kb serve 的命令行有误：{detail}', en: '{detail}' },
  'rpc.busy': {
    zh: '这个连接上已有 {maxInFlight} 个请求未得到答复：请等它们完成',
    en: '{maxInFlight} calls are unanswered on this connection already: wait for their replies',
  },
  'rpc.closed': {
    zh: '与引擎的连接已断开：请重新启动 kb serve 或应用，然后刷新此页面',
    en: 'The connection to the engine was closed: restart kb serve or the app, then reload this page',
  },
  'rpc.no-such-method': {
    zh: '引擎没有这个功能：应用与引擎的版本可能不一致，请重新安装应用',
    en: 'The engine has no such method: the app and its engine may be of different versions; reinstall the app',
  },
  'job.duplicate-id': {
    zh: '编号为 {jobId} 的任务已在运行：请换一个编号',
    en: 'A job with id {jobId} is running already: choose another id',
  },
  'serve.unreachable': {
    zh: '无法连接 kb serve：它是否在运行？地址中的令牌是否是它打印的那个？',
    en: 'Cannot reach kb serve: is it running, and is the token in this address the one it printed?',
  },
  'serve.no-token': {
    zh: '此页面没有连接到知识库：请从离线知识库应用打开，或使用 kb serve 打印的地址（含令牌）',
    en: 'This page is not connected to a library: open it from the Offline KB app, or use the address (with its token) that kb serve printed',
  },
  // A refusal without a code of its own: the engine's sentence is all there is.
  'service.refused': { zh: '操作被拒绝：{detail}', en: '{detail}' },
  'service.job-running': {
    zh: '正在导入或嵌入：请等它完成，或先取消',
    en: 'An ingestion or embedding is already running: wait for it to finish or cancel it',
  },
  'service.document-not-found': {
    zh: '资料库中已没有第 {documentId} 号文档',
    en: 'Document {documentId} is not in this library any more',
  },
  'service.original-missing': {
    zh: '{file} 已不在原处（被移动或删除）：请重新扫描它所在的文件夹，或重新添加该文件',
    en: '{file} is not there any more (moved or deleted): re-scan its folder, or add the file again',
  },
  'service.synonym-not-found': {
    zh: '资料库中没有第 {id} 号同义词条目',
    en: 'There is no thesaurus entry {id} in this library',
  },
  'service.conversation-not-found': {
    zh: '资料库中没有第 {conversationId} 号对话',
    en: 'There is no conversation {conversationId} in this library',
  },
  'service.no-sources': {
    zh: '资料库还没有来源：请先添加文件夹或文件',
    en: 'This library has no sources yet: add a folder or files first',
  },
  'service.not-a-source': {
    zh: '{path} 不是此资料库的来源：请把它作为文件夹或文件添加',
    en: '{path} is not a source of this library: add it as a folder or file instead',
  },
  'service.answer-being-written': {
    zh: '正在生成回答：请等它完成或先取消，再更换或卸载模型',
    en: 'An answer is being written: wait for it or cancel it before changing or unloading the model',
  },
  'service.no-llm-here': {
    zh: '此处无法加载本地大模型：只能使用精确回答（逐字引用条款）',
    en: 'No local LLM can be loaded here: exact answers only (they quote the clauses verbatim)',
  },
  'service.no-llm-loaded': {
    zh: '生成式回答需要本地大模型：请在“设置”中加载 .gguf 模型，或使用精确回答',
    en: 'Generated answers need a local LLM: load a .gguf model in Settings, or use exact answers',
  },
  'upload.stopping': {
    zh: 'kb serve 正在停止：请重新启动它后再上传',
    en: 'kb serve is stopping: start it again and upload again',
  },
  'upload.too-many-receiving': {
    zh: '已有 {limit} 个文件正在上传：请逐个发送',
    en: '{limit} uploads are being received already: send the files one after another',
  },
  'upload.too-many-waiting': {
    zh: '已有 {limit} 个上传的文件等待加入：请先把它们加入资料库再上传',
    en: '{limit} uploaded files are waiting to be added already: add them before uploading more',
  },
  'upload.staging-full': {
    zh: '已有 {waitingMiB} MiB 的上传等待加入：请先把它们加入资料库再上传',
    en: '{waitingMiB} MiB of uploads are waiting to be added already: add them before uploading more',
  },
  'upload.too-large': {
    zh: '文件超过了此处允许上传的 {limitMiB} MiB：请拆分它，或在服务器上用 kb ingest 导入',
    en: 'The file is over the {limitMiB} MiB a file uploaded here may be: split it, or add it with kb ingest on the server',
  },
  'upload.cut-off': {
    zh: '上传在文件结束前中断：请重新发送该文件',
    en: 'The upload was cut off before its end: send the file again',
  },
  'upload.disk-full': {
    zh: '存放上传的磁盘已满（{folder}）：腾出空间后再上传',
    en: 'The disk holding {folder} is full: free space, then upload again',
  },
  'upload.no-permission': {
    zh: '没有权限写入 {folder}：请修正该文件夹的权限后再上传',
    en: 'No permission to write in {folder}: fix the folder’s permissions, then upload again',
  },
  'upload.store-failed': {
    zh: '上传的文件无法保存到 {folder}（{detail}）：请重新上传',
    en: 'The upload could not be stored in {folder} ({detail}): upload again',
  },
  'upload.unknown-id': {
    zh: '上传 {uploadId} 不在等待中（已加入、超过一小时已过期，或发往了另一个 kb serve）：请重新上传该文件；这批文件都没有保留',
    en: 'Upload {uploadId} is not waiting here (added already, expired after an hour, or sent to another kb serve): upload the file again; nothing of the batch was kept',
  },
  'upload.repeated-id': {
    zh: '上传 {uploadId} 在这批文件中出现了两次：这批文件都没有保留',
    en: 'Upload {uploadId} is named twice in the batch: nothing of the batch was kept',
  },
  'upload.nothing-to-add': {
    zh: '没有可添加的文件：该文件夹中没有文件（隐藏文件不计）',
    en: 'Nothing to add: the folder holds no files (hidden files are left out)',
  },
  'upload.file-too-large': {
    zh: '“{name}”有 {sizeMiB} MiB，超过了此处单个文件上限 {limitMiB} MiB：请拆分它，或在服务器上用 kb ingest 导入',
    en: '"{name}" is {sizeMiB} MiB, over the {limitMiB} MiB a file may be here: split it, or add it with kb ingest on the server',
  },
  'upload.not-sent': {
    zh: '“{name}”无法发送：kb serve 是否仍在运行？请重新启动它并刷新此页面',
    en: '"{name}" could not be sent: is kb serve still running? Restart it and reload this page',
  },
  'upload.refused': {
    zh: '“{name}”未能上传：{detail}',
    en: '"{name}" was not uploaded: {detail}',
  },
  'desktop.document-not-found': {
    zh: '资料库中没有第 {documentId} 号文档',
    en: 'Document {documentId} is not in this library',
  },
  'desktop.original-missing': {
    zh: '{file} 已不在原处（被移动或删除）：请重新扫描它所在的文件夹，或重新添加该文件',
    en: '{file} is not there any more (moved or deleted): re-scan its folder, or add the file again',
  },
  'desktop.untrusted-sender': {
    zh: '已拒绝来自非本应用页面的请求（{channel}）',
    en: 'Refused a request ({channel}) from a page that is not this app’s',
  },
  'desktop.no-engine': {
    zh: '此版本的桌面应用没有连接引擎：请重新安装应用',
    en: 'This build of the desktop app does not connect the engine: reinstall the app',
  },
  'desktop.no-path': {
    zh: '拖入的项目不是本机磁盘上的文件：请从文件管理器拖入文件或文件夹',
    en: 'A dropped item has no file on this disk: drop files or folders from the file manager',
  },
  'engine.stopped': {
    zh: '引擎意外停止：请重试；如果反复出现，请重新启动应用',
    en: 'The engine stopped: try again; if it keeps happening, restart the app',
  },
  internal: { zh: '出现意外错误', en: 'Something unexpected went wrong' },
};

/** Anything that may carry a code: a KbError, a RemoteError, or an Error the transport gave code and params. */
interface CodedError {
  code?: unknown;
  params?: unknown;
  message?: unknown;
}

function isCoded(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as CodedError).code === 'string';
}

function fill(template: string, params: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : whole;
  });
}

/** Whether `params` holds every param `code`'s sentence needs (an older engine may send fewer). */
function hasParams(code: ErrorCode, params: unknown): params is Record<string, string | number> {
  if (typeof params !== 'object' || params === null) return false;
  const given = params as Record<string, unknown>;
  return ERROR_CODES[code].every((name) => typeof given[name] === 'string' || typeof given[name] === 'number');
}

/**
 * An error as a sentence in `language`: its code worded from its params, or its message when the code is unknown,
 * missing, 'internal' (a bug: the message is the best there is), or its params do not fill the sentence.
 */
export function describeError(error: unknown, language: Language): string {
  const coded = (typeof error === 'object' && error !== null ? error : {}) as CodedError;
  const message =
    typeof coded.message === 'string' && coded.message !== '' ? coded.message : error == null ? '' : String(error);
  const { code, params } = coded;
  if (code === 'internal') {
    // A bug or the machine: the sentence says so, the message (English, for a bug report) says what.
    const said = ERROR_WORDINGS.internal[language];
    return message ? `${said}${language === 'zh' ? '：' : ': '}${message}` : said;
  }
  if (typeof code !== 'string' || !isErrorCode(code)) return message || ERROR_WORDINGS.internal[language];
  if (!hasParams(code, params)) return message || ERROR_WORDINGS[code][language];
  // A refusal reported by another (an upload the server refused): its `detail` is that refusal, worded too.
  const cause = (coded as { cause?: unknown }).cause;
  const worded = 'detail' in params && isCoded(cause) ? { ...params, detail: describeError(cause, language) } : params;
  return fill(ERROR_WORDINGS[code][language], worded);
}

/** Why a file was left out of an import, by its reason (the engine's detail, in English, says it more precisely). */
export const SKIP_WORDINGS: Record<SkipReason, ErrorWording> = {
  hidden: { zh: '隐藏的文件或文件夹', en: 'Hidden file or folder' },
  'office-lock-file': { zh: 'Office 临时锁定文件（~$…），不是文档', en: 'Office lock file (~$…), not a document' },
  'symlink-loop': { zh: '指向自身的符号链接', en: 'Symbolic link that points to itself' },
  'too-large': { zh: '文件超过大小限制', en: 'Over the size limit' },
  'unsupported-extension': {
    zh: '不支持这种文件类型：请另存为 PDF、.docx、Markdown、文本、HTML 或 .csv',
    en: 'Unsupported file type: save it as PDF, .docx, Markdown, text, HTML or .csv',
  },
  unreadable: {
    zh: '无法读取（不存在、无权限，或不是普通文件）',
    en: 'Cannot be read (missing, no permission, or not a regular file)',
  },
};

// A file's failure or skip: in Chinese the wording of its code (the engine's English detail goes in a tooltip), in
// English the engine's own detail, which says more. A code this page does not know keeps the detail.

/** A failed file (FailedFile.code, DocumentInfo.errorCode: 'corrupt', 'unreadable'…) as a sentence. */
export function describeFailedFile(code: string | null, detail: string, language: Language): string {
  const errorCode = code === null ? null : failedFileErrorCode(code);
  return language === 'zh' && errorCode ? ERROR_WORDINGS[errorCode].zh : detail;
}

/** A file left out of an import (SkippedFile.reason) as a sentence. */
export function describeSkippedFile(reason: SkipReason, detail: string, language: Language): string {
  const wording = (SKIP_WORDINGS as Partial<Record<string, ErrorWording>>)[reason];
  return language === 'zh' && wording ? wording.zh : detail;
}
