// Document text is shown to people through terminals and Markdown readers, and a document is not trusted: its text
// and its file name may hold terminal escapes (ESC … an OSC 52 clipboard write, CSI colours and screen clears), other
// C0 and C1 controls, a carriage return that draws over a line, or bidi overrides that show text in another order
// than it is stored. Each such character is shown as the escape a person reads (`\u001b`), never sent as itself.

/**
 * The characters never written as themselves: C0 controls but tab and line feed, DEL, C1 controls, and the Unicode
 * bidi controls (ALM, LRM, RLM, the embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `\u001b` for ESC: six characters, the same a JSON string uses (so JSON text stays valid and means the same). */
function visibleEscape(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control character (see CONTROL_CHARACTERS) replaced by its visible escape; tabs and line feeds
 * are kept, or shown too with `{ lineBreaks: true }` (a file name, a one-line field). In JSON text the escapes are
 * JSON's own, so the value read back is unchanged.
 */
export function showControlCharacters(text: string, options: { lineBreaks?: boolean } = {}): string {
  const shown = text.replace(CONTROL_CHARACTERS, visibleEscape);
  return options.lineBreaks ? shown.replace(/[\t\n]/g, visibleEscape) : shown;
}
