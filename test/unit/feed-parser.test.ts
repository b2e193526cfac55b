import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FeedError, parseDate, parseFeed } from '../../src/connectors/feed-parser.connector.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url), 'utf8');

describe('RSS 2.0', () => {
  const feed = parseFeed(fixture('regjeringen.rss'), 'regjeringen.rss');

  it('reads the channel past the junk before <?xml', () => {
    expect(feed).toMatchObject({
      format: 'rss',
      title: 'Nyheter fra Nærings- og fiskeridepartementet',
      link: 'https://www.regjeringen.no/no/dep/nfd/id709/',
      language: 'nb',
    });
    expect(feed.items).toHaveLength(3);
  });

  it('turns CDATA HTML into clean text: tags, scripts and images gone, entities decoded, paragraphs kept', () => {
    const [item] = feed.items;
    expect(item.id).toBe('https://www.regjeringen.no/id2423456');
    expect(item.link).toBe('https://www.regjeringen.no/no/aktuelt/nye-naringsklynger/id2423456/');
    expect(item.body).toBe(
      [
        'Næringsminister Monica Mæland og kommunal- og moderniseringsminister Jan Tore Sanner presenterte sju nye klynger.',
        'GCE Subsea i Bergen blir Global Centre of Expertise. NCE Seafood Innovation Cluster og nce eyde blir NCE-klynger, og Innovasjon Torskefisk blir en Arena-klynge.',
        'Les mer om «klyngeprogrammet» på Innovasjon Norges sider.',
      ].join('\n\n'),
    );
    expect(item.body).not.toMatch(/track|<|&|bilde/i);
  });

  it('decodes escaped HTML and entities in titles and descriptions, tidying whitespace', () => {
    const item = feed.items[1];
    expect(item.title).toBe('Statsbudsjettet: mer til klynger & innovasjon');
    expect(item.body).toContain('Ingen andre klynger.');
    expect(item.body).toMatch(/^Regjeringen foreslår/);
  });

  it('keeps the time zone of pubDate: +0200 and GMT', () => {
    expect(feed.items[0].publishedAt?.toISOString()).toBe('2015-06-16T08:00:00.000Z');
    expect(feed.items[1].publishedAt?.toISOString()).toBe('2015-10-07T08:30:00.000Z');
  });

  it('takes an item without link and pubDate (optional) as it is', () => {
    expect(feed.items[2]).toMatchObject({ id: 'arena-2016-info', link: null, publishedAt: null, language: null });
  });
});

describe('Atom', () => {
  const feed = parseFeed(fixture('innovasjon.atom'), 'innovasjon.atom');

  it('reads the feed, its alternate link and language', () => {
    expect(feed).toMatchObject({ format: 'atom', title: 'Cluster news', link: 'https://example.org/clusters/', language: 'en' });
    expect(feed.items.map((i) => i.id)).toEqual([
      'tag:example.org,2019:woodworks-arena-pro',
      'tag:example.org,2016:nye-klynger-trondelag',
      'tag:example.org,2020:update',
    ]);
  });

  it('reads html titles and inline XHTML content as text', () => {
    const [entry] = feed.items;
    expect(entry.title).toBe('Woodworks! moves up to Arena Pro & grows');
    expect(entry.body).toBe(
      'The forestry cluster formerly known as Arena Skognæringa, now Woodworks!, enters Arena Pro.\n\nGCE BLUE MARITIME and the Norwegian Offshore Wind cluster congratulate.',
    );
    expect(entry.link).toBe('https://example.org/clusters/woodworks-arena-pro');
    expect(entry.publishedAt?.toISOString()).toBe('2019-01-15T07:30:00.000Z');
  });

  it('reads a CDATA summary, the entry language, and falls back to updated for the date', () => {
    const [, second, third] = feed.items;
    expect(second).toMatchObject({ language: 'nn', link: null });
    expect(second.body).toBe('NCE Aquatech Cluster får status som nasjonalt ekspertisesenter. Det er gode nyheiter for næringa.');
    expect(second.publishedAt?.toISOString()).toBe('2016-06-15T10:00:00.000Z');
    expect(third.body).toBe('Plain text summary, no HTML: Finance Innovation in Bergen & iKuben in Molde.');
    expect(third.publishedAt?.toISOString()).toBe('2020-03-01T12:45:00.000Z');
  });
});

describe('refusals name the feed and the item', () => {
  it('a bad date', () => {
    expect(() => parseFeed(fixture('malformed-item.rss'), 'malformed-item.rss')).toThrow(
      'Feed malformed-item.rss: item bad-2: <pubDate> "sometime next week" is not an RFC 822 or ISO 8601 date',
    );
  });

  it('XML that is not well-formed, with its line', () => {
    expect(() => parseFeed(fixture('not-xml.rss'), 'not-xml.rss')).toThrow(/^Feed not-xml.rss: not well-formed XML at line 2/);
  });

  it('an XML bomb: entities declared in the DOCTYPE', () => {
    const started = Date.now();
    expect(() => parseFeed(fixture('bomb.rss'), 'bomb.rss')).toThrow(FeedError);
    expect(() => parseFeed(fixture('bomb.rss'), 'bomb.rss')).toThrow(/entity expansion/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('an item without identity, a document that is no feed, too many items', () => {
    expect(() => parseFeed('<rss version="2.0"><channel><item><title>x</title></item></channel></rss>', 'f')).toThrow(
      'Feed f: item #1: has neither <guid> nor <link>, so it has no identity',
    );
    expect(() => parseFeed('<?xml version="1.0"?><html><body/></html>', 'f')).toThrow(
      'Feed f: is neither RSS 2.0 nor Atom (root element <html>)',
    );
    const many = `<rss><channel>${'<item><guid>a</guid><title>t</title></item>'.repeat(5)}</channel></rss>`;
    expect(() => parseFeed(many, 'f', { maxItems: 4 })).toThrow('Feed f: has 5 items, more than the 4 allowed');
  });
});

describe('dates', () => {
  const date = (value: string) => parseDate(value, 'f', 'i', 'pubDate').toISOString();
  it('RFC 822 with numeric and named zones, two-digit years, no weekday', () => {
    expect(date('Sat, 07 Sep 2002 00:00:01 GMT')).toBe('2002-09-07T00:00:01.000Z');
    expect(date('7 Sep 02 09:00 EDT')).toBe('2002-09-07T13:00:00.000Z');
    expect(date('Mon, 15 Jun 2015 23:30:00 -0230')).toBe('2015-06-16T02:00:00.000Z');
    expect(date('Mon, 15 Jun 2015 12:00:00 CEST')).toBe('2015-06-15T10:00:00.000Z');
  });
  it('ISO 8601 with offsets, Z and fractions', () => {
    expect(date('2015-06-15T12:00:00+02:00')).toBe('2015-06-15T10:00:00.000Z');
    expect(date('2015-06-15T12:00:00.250Z')).toBe('2015-06-15T12:00:00.250Z');
    expect(date('2015-06-15')).toBe('2015-06-15T00:00:00.000Z');
  });
  it('refuses what is not a date', () => {
    expect(() => date('31 Apr 2015 10:00:00 GMT')).toThrow(FeedError);
    expect(() => date('yesterday')).toThrow(FeedError);
  });
});
