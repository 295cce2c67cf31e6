import { decodeText } from './decodeText.ts';
import type { DecodedText } from './decodeText.ts';
import { foldCjkCompatibility } from './foldCjkCompatibility.ts';
import { htmlToLines } from './htmlToLines.ts';
import { requireText } from './textLines.ts';
import type { ParsedSource } from './types.ts';

/**
 * HTML: decoded per its `<meta charset>` (or `http-equiv` Content-Type, or XML declaration) when it declares one and
 * the bytes decode cleanly with it, else by detection; then converted by `htmlToLines`. Title = <title>.
 */
export function parseHtml(bytes: Uint8Array): ParsedSource {
  const { text, encoding } = decodeHtml(bytes);
  const { lines, title } = htmlToLines(foldCjkCompatibility(text));
  requireText(lines, 'empty HTML page: no visible text to index');
  const result: ParsedSource = { type: 'html', lines, encoding, layoutWrapped: false };
  if (title) result.title = title;
  return result;
}

/** Decode HTML bytes: BOM first, then a declared charset that decodes without errors, then detection. */
export function decodeHtml(bytes: Uint8Array): DecodedText {
  const hasBom =
    (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) ||
    (bytes[0] === 0xff && bytes[1] === 0xfe) ||
    (bytes[0] === 0xfe && bytes[1] === 0xff);
  const declared = hasBom ? undefined : declaredCharset(bytes);
  if (declared) {
    try {
      const decoder = new TextDecoder(declared, { fatal: true });
      // A page that declares UTF-16 cannot have an ASCII-readable <meta>: the declaration is wrong (HTML spec: utf-8).
      if (!decoder.encoding.startsWith('utf-16')) {
        const text = decoder.decode(bytes);
        return { text, encoding: decoder.encoding === 'gbk' ? 'gb18030' : decoder.encoding };
      }
    } catch {
      // unknown label or bytes invalid in the declared encoding: fall back to detection
    }
  }
  return decodeText(bytes);
}

/** The charset declared in the first 4 KB: <meta charset>, <meta http-equiv content="…charset=…">, <?xml encoding?>. */
function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder('windows-1252').decode(bytes.subarray(0, 4096));
  const meta =
    /<meta\s[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head) ??
    /<\?xml\s[^>]*?encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head);
  return meta?.[1];
}
