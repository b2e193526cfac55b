/** The characters a highlight's matched words come wrapped in from the database (private-use code points). */
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';
/**
 * Stands for `<` in text given to PostgreSQL's ts_headline, whose parser would otherwise take
 * `<b>` and the like for tags and drop them from a snippet.
 */
export const LESS_THAN = '\uE002';

const ESCAPES: Record<string, string> = {
  [LESS_THAN]: '&lt;',
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * A highlight as HTML a browser may render as is: the text escaped, and each marked run wrapped
 * in `<mark>…</mark>`, the only element it can contain. Marks come in pairs; a stray one is dropped
 * and an unclosed one is closed, so the result is always well formed.
 */
export function markedHtml(text: string): string {
  let html = '';
  let open = false;
  for (const char of text) {
    if (char === MARK_START) {
      if (!open) html += '<mark>';
      open = true;
    } else if (char === MARK_END) {
      if (open) html += '</mark>';
      open = false;
    } else {
      html += ESCAPES[char] ?? char;
    }
  }
  return open ? `${html}</mark>` : html;
}

/** Whether a highlight from the database marks any word. */
export const hasMark = (text: string | null | undefined): text is string => !!text && text.includes(MARK_START);
