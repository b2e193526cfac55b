// RSS 2.0 and Atom 1.0 feeds to plain items: identity, title, link, dates and the body as clean
// text. XML is parsed by fast-xml-parser, HTML turned into text by html-to-text; nothing here
// touches the database. A document type with its own entity declarations is refused before parsing
// (entity expansion, "billion laughs"), and so is anything past the item and nesting limits.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { compile } from 'html-to-text';

/** One item (RSS) or entry (Atom), as plain data. */
export interface FeedItem {
  /** Identity within its feed: the RSS guid or Atom id, else the link. */
  id: string;
  title: string;
  /** The item's web page (http or https only). */
  link: string | null;
  /** pubDate / published (dc:date, Atom updated as fall-backs); null when the feed gives none. */
  publishedAt: Date | null;
  /** Clean text: HTML removed, entities decoded, paragraphs separated by blank lines. */
  body: string;
  /** nb, nn or en from the item's own language; null when it has none (the feed's then applies). */
  language: FeedLanguage | null;
}

export type FeedLanguage = 'nb' | 'nn' | 'en';

/** A whole feed, as plain data. */
export interface ParsedFeed {
  format: 'rss' | 'atom';
  title: string | null;
  link: string | null;
  /** The feed's language (nb, nn or en), null when absent or another one. */
  language: FeedLanguage | null;
  items: FeedItem[];
}

/** A feed (or one of its items) that cannot be read; the message names both. */
export class FeedError extends Error {
  override name = 'FeedError';
  constructor(
    readonly feed: string,
    readonly detail: string,
    readonly item?: string,
  ) {
    super(item ? `Feed ${feed}: item ${item}: ${detail}` : `Feed ${feed}: ${detail}`);
  }
}

export interface FeedParseLimits {
  /** Most items a feed may have (default 1,000). */
  maxItems?: number;
  /** Longest body kept, in characters; longer ones are cut at a word (default 100,000). */
  maxBodyChars?: number;
}

const TITLE_MAX = 300;
const URL_MAX = 500;

// Elements whose content may be HTML (escaped, in CDATA, or inline XHTML in Atom): kept raw by the
// XML parser and decoded here, so Atom's inline XHTML is not turned into objects.
const TEXT_ELEMENTS = ['title', 'description', 'content:encoded', 'content', 'summary'];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  maxNestedTags: 50,
  stopNodes: TEXT_ELEMENTS.map((name) => `*.${name}`),
  isArray: (name) => name === 'item' || name === 'entry' || name === 'link' || name === 'category',
});

/** Parses an RSS 2.0 or Atom document; `feed` names it in errors (its URL or file). */
export function parseFeed(document: string, feed: string, limits: FeedParseLimits = {}): ParsedFeed {
  const xml = withoutJunk(document, feed);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new FeedError(feed, `not well-formed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  }
  let tree: Record<string, unknown>;
  try {
    tree = parser.parse(xml) as Record<string, unknown>;
  } catch (error) {
    throw new FeedError(feed, `not readable as XML: ${(error as Error).message}`);
  }
  const maxItems = limits.maxItems ?? 1000;
  const maxBody = limits.maxBodyChars ?? 100_000;
  if (isObject(tree.rss)) return parseRss(tree.rss, feed, maxItems, maxBody);
  if (isObject(tree.feed)) return parseAtom(tree.feed, feed, maxItems, maxBody);
  const root = Object.keys(tree).find((key) => !key.startsWith('?'));
  throw new FeedError(feed, `is neither RSS 2.0 nor Atom (root element <${root ?? 'none'}>)`);
}

/**
 * The document from its XML declaration (or root element) on: some feeds send junk first (a BOM,
 * blank lines, a PHP warning). A document type declaring entities is refused here.
 */
function withoutJunk(document: string, feed: string): string {
  const declaration = document.indexOf('<?xml');
  const root = document.search(/<(rss|feed)[\s>]/);
  const start = declaration >= 0 && (root < 0 || declaration < root) ? declaration : root;
  if (start < 0) throw new FeedError(feed, 'is not an RSS or Atom document (no <rss> or <feed> element)');
  const xml = document.slice(start);
  const prolog = xml.slice(0, Math.max(0, xml.search(/<(rss|feed)[\s>]/)));
  if (/<!ENTITY/i.test(prolog) || /<!DOCTYPE[^>]*\[/i.test(prolog)) {
    throw new FeedError(feed, 'declares its own entities in a DOCTYPE; refused (entity expansion is not allowed)');
  }
  return xml;
}

function parseRss(rss: Record<string, unknown>, feed: string, maxItems: number, maxBody: number): ParsedFeed {
  const channel = rss.channel;
  if (!isObject(channel)) throw new FeedError(feed, 'is RSS without a <channel>');
  const items = asArray(channel.item);
  if (items.length > maxItems) throw new FeedError(feed, `has ${items.length} items, more than the ${maxItems} allowed`);
  return {
    format: 'rss',
    title: optionalLine(htmlText(rawText(channel.title))),
    link: httpUrl(plain(asArray(channel.link)[0])),
    language: languageOf(plain(channel.language) || plain(channel['dc:language'])),
    items: items.map((item, index) => {
      if (!isObject(item)) throw new FeedError(feed, 'is empty', `#${index + 1}`);
      const guid = plain(item.guid);
      const link = plain(asArray(item.link)[0]);
      const label = guid || link || `#${index + 1}`;
      const id = guid || link;
      if (!id) throw new FeedError(feed, 'has neither <guid> nor <link>, so it has no identity', label);
      const body = cleanBody(htmlText(rawText(item['content:encoded'] ?? item.description)), maxBody);
      const title = optionalLine(htmlText(rawText(item.title))) ?? titleFrom(body);
      if (!title) throw new FeedError(feed, 'has neither <title> nor <description>', label);
      const pubDate = plain(item.pubDate);
      const dcDate = plain(item['dc:date']);
      return {
        id,
        title: cut(title, TITLE_MAX),
        link: httpUrl(link),
        publishedAt: pubDate
          ? parseDate(pubDate, feed, label, 'pubDate')
          : dcDate
            ? parseDate(dcDate, feed, label, 'dc:date')
            : null,
        body,
        language: languageOf(plain(item['dc:language'])),
      };
    }),
  };
}

function parseAtom(atom: Record<string, unknown>, feed: string, maxItems: number, maxBody: number): ParsedFeed {
  const entries = asArray(atom.entry);
  if (entries.length > maxItems) throw new FeedError(feed, `has ${entries.length} entries, more than the ${maxItems} allowed`);
  return {
    format: 'atom',
    title: optionalLine(atomText(atom.title)),
    link: alternateLink(atom.link),
    language: languageOf(attribute(atom, 'xml:lang')),
    items: entries.map((entry, index) => {
      if (!isObject(entry)) throw new FeedError(feed, 'is empty', `#${index + 1}`);
      const atomId = plain(entry.id);
      const link = alternateLink(entry.link);
      const label = atomId || link || `#${index + 1}`;
      const id = atomId || link;
      if (!id) throw new FeedError(feed, 'has neither <id> nor a link, so it has no identity', label);
      const body = cleanBody(atomText(entry.content ?? entry.summary), maxBody);
      const title = optionalLine(atomText(entry.title)) ?? titleFrom(body);
      if (!title) throw new FeedError(feed, 'has neither <title> nor content', label);
      const published = plain(entry.published);
      const updated = plain(entry.updated);
      return {
        id,
        title: cut(title, TITLE_MAX),
        link,
        publishedAt: published
          ? parseDate(published, feed, label, 'published')
          : updated
            ? parseDate(updated, feed, label, 'updated')
            : null,
        body,
        language: languageOf(attribute(entry, 'xml:lang')),
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asArray = (value: unknown): unknown[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];

/** An element's text as the XML parser decoded it (`#text` when it has attributes). */
function plain(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isObject(value) && value['#text'] !== undefined) return plain(value['#text']);
  return '';
}

const attribute = (element: unknown, name: string): string => (isObject(element) ? plain(element[`@_${name}`]) : '');

/** A raw (stop-node) element's content: CDATA unwrapped and XML entities decoded. */
function rawText(value: unknown): string {
  const raw = typeof value === 'string' ? value : isObject(value) ? String(value['#text'] ?? '') : '';
  return decodeXml(raw);
}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Decodes character data as the XML parser would have: CDATA sections verbatim, the five XML
 * entities and character references elsewhere. Unknown named entities are left for the HTML step.
 */
function decodeXml(raw: string): string {
  let out = '';
  let at = 0;
  while (at < raw.length) {
    const cdata = raw.indexOf('<![CDATA[', at);
    const plainPart = raw.slice(at, cdata < 0 ? raw.length : cdata);
    out += plainPart.replace(/&(#x[0-9a-f]+|#[0-9]+|lt|gt|amp|quot|apos);/gi, (whole, name: string) => {
      if (name[0] !== '#') return XML_ENTITIES[name.toLowerCase()] ?? whole;
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    });
    if (cdata < 0) break;
    const end = raw.indexOf(']]>', cdata + 9);
    out += raw.slice(cdata + 9, end < 0 ? raw.length : end);
    at = end < 0 ? raw.length : end + 3;
  }
  return out;
}

/** Atom text constructs: type="text" is text; "html" (escaped) and "xhtml" (inline) are HTML. */
function atomText(value: unknown): string {
  const type = attribute(value, 'type') || 'text';
  const decoded = type === 'xhtml' ? String(isObject(value) ? (value['#text'] ?? '') : value) : rawText(value);
  return type === 'text' ? decoded : htmlText(decoded);
}

const toText = compile({
  wordwrap: false,
  limits: { maxInputLength: 2_000_000 },
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
  ],
});

/** HTML to text (a parser, not patterns): tags dropped, entities decoded, links' text kept, images and scripts left out. */
const htmlText = (html: string): string => (html.trim() ? toText(html) : '');

/** Tidy whitespace: no-break spaces as spaces, single spaces, trimmed lines, paragraphs split by one blank line. */
function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\t\f\v\u2000-\u200a\u202f\u205f\u3000]/g, ' ')
    .replace(/[\u200b\ufeff]/g, '')
    .split('\n')
    .map((line) => line.replace(/ {2,}/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const cleanBody = (text: string, max: number) => cut(tidy(text), max);

/** One line of text (titles), or null when empty. */
function optionalLine(text: string): string | null {
  const line = tidy(text).replace(/\s*\n+\s*/g, ' ');
  return line || null;
}

/** A title for an item that has none: its text's first line. */
const titleFrom = (body: string): string | null => optionalLine(body.split('\n')[0] ?? '');

/** Cut to `max` characters at a word, with an ellipsis. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max - 1);
  const space = head.lastIndexOf(' ');
  return `${(space > max / 2 ? head.slice(0, space) : head).trimEnd()}…`;
}

/** An http(s) URL, or null (other schemes and overlong ones are not kept). */
function httpUrl(value: string): string | null {
  if (!value || value.length > URL_MAX) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** Atom's rel="alternate" link (the default rel), or the first link. */
function alternateLink(links: unknown): string | null {
  const list = asArray(links).filter(isObject);
  const alternate = list.find((l) => (attribute(l, 'rel') || 'alternate') === 'alternate') ?? list[0];
  return alternate ? httpUrl(attribute(alternate, 'href')) : null;
}

/** nb, nn or en from a language tag (no, nb-NO, nn_NO, en-GB ...); null for anything else. */
export function languageOf(tag: string): FeedLanguage | null {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  if (primary === 'nb' || primary === 'no' || primary === 'nob' || primary === 'nor') return 'nb';
  if (primary === 'nn' || primary === 'nno') return 'nn';
  if (primary === 'en' || primary === 'eng') return 'en';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** RFC 822 zone names (with the usual European additions) as minutes east of UTC. */
const ZONES: Record<string, number> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  WET: 0,
  WEST: 60,
  CET: 60,
  CEST: 120,
  EET: 120,
  EEST: 180,
};

const RFC_822 =
  /^(?:[a-z]{3},?\s*)?(\d{1,2})\s+([a-z]{3})[a-z]*\.?\s+(\d{2}|\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[+-]\d{2}:\d{2}|[a-z]{1,5})?$/i;
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * An RFC 822 (RSS) or ISO 8601 (Atom) date-time as an instant, applying its zone offset. A date
 * without a zone is read as UTC; anything else is the item's error.
 */
export function parseDate(value: string, feed: string, item: string, field: string): Date {
  const text = value.trim();
  let instant: number | null = null;
  const rfc = RFC_822.exec(text);
  const iso = rfc ? null : ISO_8601.exec(text);
  if (rfc) {
    const [, day, monthName, yearText, hour, minute, second, zone] = rfc;
    const month = MONTHS.indexOf(monthName.toLowerCase());
    const year = yearText.length === 2 ? 2000 + Number(yearText) - (Number(yearText) > 50 ? 100 : 0) : Number(yearText);
    const offset = zoneOffset(zone);
    if (month >= 0 && offset !== null) {
      instant = utc(year, month, Number(day), Number(hour), Number(minute), Number(second ?? 0), offset);
    }
  } else if (iso) {
    const [, year, month, day, hour, minute, second, zone] = iso;
    const offset = zoneOffset(zone);
    const ms = /\.(\d+)/.exec(text)?.[1];
    if (offset !== null) {
      instant = utc(
        Number(year),
        Number(month) - 1,
        Number(day),
        Number(hour ?? 0),
        Number(minute ?? 0),
        Number(second ?? 0),
        offset,
      );
      if (instant !== null && ms) instant += Math.round(Number(`0.${ms}`) * 1000);
    }
  }
  if (instant === null) throw new FeedError(feed, `<${field}> "${cut(text, 60)}" is not an RFC 822 or ISO 8601 date`, item);
  return new Date(instant);
}

function zoneOffset(zone: string | undefined): number | null {
  if (!zone) return 0;
  const numeric = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (numeric) return (numeric[1] === '-' ? -1 : 1) * (Number(numeric[2]) * 60 + Number(numeric[3]));
  return ZONES[zone.toUpperCase()] ?? null;
}

/** Epoch milliseconds of a wall-clock time at `offset` minutes east of UTC; null when a field is out of range. */
function utc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  offset: number,
): number | null {
  if (month < 0 || month > 11 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const local = Date.UTC(year, month, day, hour, minute, Math.min(second, 59));
  if (new Date(local).getUTCDate() !== day) return null; // 31 April and the like
  return local - offset * 60_000;
}
