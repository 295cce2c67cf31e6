import {
  ChatWrapper,
  LlamaText,
  SpecialToken,
  SpecialTokensText,
  type ChatWrapperGenerateContextStateOptions,
  type ChatWrapperGeneratedContextState,
} from 'node-llama-cpp';

/**
 * ChatGLM3's own prompt format, which node-llama-cpp does not ship:
 *
 * `[gMASK]sop<|system|>\n{system}<|user|>\n{user}<|assistant|>\n{assistant}<|user|>\n…<|assistant|>\n`
 *
 * `[gMASK]`, `sop` and the role markers are special tokens of ChatGLM3's vocabulary (CONTROL tokens in GGUFs converted
 * by llama.cpp), so they are rendered as special-token text; everything a message says is plain text, so a document
 * that contains the string `<|user|>` is tokenized as those characters and cannot open a turn. A turn has no closing
 * marker: the model ends its answer by writing `<|user|>` (llama.cpp's EOT for this model), `<|observation|>` (a tool
 * call) or EOS, and generation stops at any of them.
 */
export class ChatGLM3ChatWrapper extends ChatWrapper {
  override readonly wrapperName = 'ChatGLM3';

  override generateContextState({
    chatHistory,
    availableFunctions,
    documentFunctionParams,
  }: ChatWrapperGenerateContextStateOptions): ChatWrapperGeneratedContextState {
    // Function calling is not used by the app; the base class documents any functions as a system message.
    const history = this.addAvailableFunctionsSystemMessageToHistory(chatHistory, availableFunctions, {
      documentParams: documentFunctionParams,
    });
    const turns: LlamaText[] = [];
    for (const item of history) {
      if (item.type === 'system')
        turns.push(LlamaText([new SpecialTokensText('<|system|>'), '\n', LlamaText.fromJSON(item.text)]));
      else if (item.type === 'user') turns.push(LlamaText([new SpecialTokensText('<|user|>'), '\n', item.text]));
      else if (item.type === 'model')
        turns.push(
          LlamaText([new SpecialTokensText('<|assistant|>'), '\n', this.generateModelResponseText(item.response)]),
        );
      else item satisfies never;
    }
    // The model speaks next: a history that does not end with (an empty) model turn gets one.
    if (history.at(-1)?.type !== 'model') turns.push(LlamaText([new SpecialTokensText('<|assistant|>'), '\n']));

    return {
      contextText: LlamaText([new SpecialTokensText('[gMASK]sop'), ...turns]),
      stopGenerationTriggers: [
        LlamaText(new SpecialToken('EOS')),
        LlamaText(new SpecialToken('EOT')),
        LlamaText(new SpecialTokensText('<|user|>')),
        LlamaText(new SpecialTokensText('<|observation|>')),
        // The same markers written out as plain characters by a model that has not learnt them as single tokens.
        LlamaText('<|user|>'),
        LlamaText('<|observation|>'),
      ],
    };
  }
}
