// Finding the clusters a text names: by name, by slug, by former names (the level prefix of an
// earlier period: "NCE Subsea" is GCE Subsea before 2015) and by the name without its level prefix
// when that is still specific (two words or more: "Innovasjon Torskefisk"). Whole words only,
// compared case-folded with Norwegian letters kept as letters, so "Arena" alone or "Subsea" alone
// links nothing, and neither does "Arenaen".

export type MentionMatchKind = 'NAME' | 'SLUG' | 'FORMER_NAME' | 'SHORT_NAME';

/** What the matcher needs to know of a cluster. */
export interface MentionableCluster {
  id: number;
  slug: string;
  name: string;
  /** The cluster's levels over time (from its level history), current one included. */
  levels: readonly string[];
}

/** A cluster a text names, with how and by which words. */
export interface ClusterMention {
  clusterId: number;
  matchedBy: MentionMatchKind;
  /** The words of the text, as written. */
  matchedText: string;
}

const LEVEL_PREFIXES: Record<string, string> = { ARENA: 'Arena', ARENA_PRO: 'Arena Pro', NCE: 'NCE', GCE: 'GCE' };
/** Word sequences that are never a cluster on their own: the levels' names. */
const LEVEL_WORDS = new Set(['arena', 'arena pro', 'nce', 'gce', 'cluster', 'klynge', 'klyngen']);
// Preference when two aliases of different clusters are the same words: the exact name wins.
const RANK: Record<MentionMatchKind, number> = { NAME: 0, SLUG: 1, FORMER_NAME: 2, SHORT_NAME: 3 };

interface Token {
  word: string;
  start: number;
  end: number;
}

/** Words of a text: runs of letters and digits (any script; æ, ø, å are letters), case-folded. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.normalize('NFC').matchAll(/[\p{L}\p{N}]+/gu)) {
    tokens.push({ word: match[0].toLocaleLowerCase('nb'), start: match.index, end: match.index + match[0].length });
  }
  return tokens;
}

const words = (text: string) => tokenize(text).map((t) => t.word);

interface Alias {
  words: string[];
  clusterId: number;
  matchedBy: MentionMatchKind;
}

/** The clusters' names and aliases, indexed by first word; build once per ingest. */
export class MentionIndex {
  private readonly byFirstWord = new Map<string, Alias[]>();
  private readonly slugs = new Map<number, string>();

  constructor(clusters: readonly MentionableCluster[]) {
    const seen = new Map<string, Alias>();
    const add = (text: string, clusterId: number, matchedBy: MentionMatchKind) => {
      const aliasWords = words(text);
      const key = aliasWords.join(' ');
      if (aliasWords.length === 0 || LEVEL_WORDS.has(key)) return;
      const existing = seen.get(key);
      // The same words for two clusters: the better kind of match wins; equal kinds are ambiguous and link nothing.
      if (existing && existing.clusterId !== clusterId) {
        if (RANK[matchedBy] < RANK[existing.matchedBy]) Object.assign(existing, { clusterId, matchedBy });
        else if (RANK[matchedBy] === RANK[existing.matchedBy]) existing.clusterId = -1;
        return;
      }
      if (existing) return;
      const alias: Alias = { words: aliasWords, clusterId, matchedBy };
      seen.set(key, alias);
      const list = this.byFirstWord.get(aliasWords[0]);
      if (list) list.push(alias);
      else this.byFirstWord.set(aliasWords[0], [alias]);
    };
    for (const cluster of clusters) {
      this.slugs.set(cluster.id, cluster.slug);
      add(cluster.name, cluster.id, 'NAME');
      // A one-word slug could be any word of a text; slugs count from two words on.
      if (words(cluster.slug).length >= 2) add(cluster.slug, cluster.id, 'SLUG');
      const prefix = levelPrefixOf(cluster.name);
      if (!prefix) continue;
      const rest = cluster.name.slice(prefix.length).trim();
      for (const level of new Set(cluster.levels)) {
        const former = LEVEL_PREFIXES[level];
        if (former && former !== prefix) add(`${former} ${rest}`, cluster.id, 'FORMER_NAME');
      }
      if (words(rest).length >= 2) add(rest, cluster.id, 'SHORT_NAME');
    }
    for (const list of this.byFirstWord.values()) list.sort((a, b) => b.words.length - a.words.length);
  }

  /**
   * The clusters named in `texts` (title, then body), in order of first mention, one per cluster;
   * at each place the longest alias wins.
   */
  find(...texts: string[]): ClusterMention[] {
    const found = new Map<number, ClusterMention>();
    for (const text of texts) {
      const tokens = tokenize(text);
      let i = 0;
      while (i < tokens.length) {
        const alias = this.byFirstWord.get(tokens[i].word)?.find((a) => a.words.every((w, k) => tokens[i + k]?.word === w));
        if (!alias) {
          i += 1;
          continue;
        }
        const last = tokens[i + alias.words.length - 1];
        if (alias.clusterId >= 0 && !found.has(alias.clusterId)) {
          const matchedText = text.normalize('NFC').slice(tokens[i].start, last.end);
          // A slug written as such ("gce-subsea") has the same words as the name: told apart by its spelling.
          const slug = this.slugs.get(alias.clusterId);
          const matchedBy = slug && matchedText.includes('-') && matchedText === slug ? 'SLUG' : alias.matchedBy;
          found.set(alias.clusterId, { clusterId: alias.clusterId, matchedBy, matchedText });
        }
        i += alias.words.length;
      }
    }
    return [...found.values()];
  }
}

/** The level prefix a cluster's name starts with ("GCE", "Arena Pro"), if any. */
function levelPrefixOf(name: string): string | null {
  const prefixes = Object.values(LEVEL_PREFIXES).sort((a, b) => b.length - a.length);
  return prefixes.find((p) => name.toLowerCase().startsWith(`${p.toLowerCase()} `)) ?? null;
}
