import { describe, expect, it } from 'vitest';
import { LESS_THAN, MARK_END, MARK_START, hasMark, markedHtml } from '../../src/lib/highlight.js';

const marked = (word: string) => `${MARK_START}${word}${MARK_END}`;

describe('markedHtml', () => {
  it('escapes the text and turns the marks into <mark>', () => {
    expect(markedHtml(`<script>alert("x")</script> ${marked('Tind')} & 'co'`)).toBe(
      `&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>Tind</mark> &amp; &#39;co&#39;`,
    );
    expect(markedHtml(`${LESS_THAN}b>fet${LESS_THAN}/b>`)).toBe('&lt;b&gt;fet&lt;/b&gt;');
  });

  it('keeps the result well formed whatever the marks', () => {
    expect(markedHtml(`a ${MARK_END}b`)).toBe('a b');
    expect(markedHtml(`${MARK_START}a ${MARK_START}b${MARK_END}${MARK_END}`)).toBe('<mark>a b</mark>');
    expect(markedHtml(`${MARK_START}open`)).toBe('<mark>open</mark>');
  });

  it('tells marked text from text without a match', () => {
    expect(hasMark(marked('x'))).toBe(true);
    expect(hasMark('x')).toBe(false);
    expect(hasMark(null)).toBe(false);
  });
});
