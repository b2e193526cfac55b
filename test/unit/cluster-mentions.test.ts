import { describe, expect, it } from 'vitest';
import { MentionIndex } from '../../src/lib/cluster-mentions.js';

const index = new MentionIndex([
  { id: 1, slug: 'gce-subsea', name: 'GCE Subsea', levels: ['NCE', 'GCE'] },
  { id: 2, slug: 'arena-innovasjon-torskefisk', name: 'Arena Innovasjon Torskefisk', levels: ['ARENA'] },
  { id: 3, slug: 'nce-eyde', name: 'NCE Eyde', levels: ['NCE'] },
  { id: 4, slug: 'gce-node', name: 'GCE NODE', levels: ['NCE', 'GCE'] },
  { id: 5, slug: 'solenergiklyngen', name: 'Solenergiklyngen Østlandet', levels: ['ARENA'] },
  { id: 6, slug: 'woodworks', name: 'Woodworks!', levels: ['ARENA', 'ARENA_PRO'] },
]);

describe('cluster mentions', () => {
  it('by name, case-folded, in order of first mention, once per cluster', () => {
    expect(index.find('nce eyde og GCE Subsea', 'GCE SUBSEA igjen')).toEqual([
      { clusterId: 3, matchedBy: 'NAME', matchedText: 'nce eyde' },
      { clusterId: 1, matchedBy: 'NAME', matchedText: 'GCE Subsea' },
    ]);
  });

  it('by a former name from the level history, and by a slug as written', () => {
    expect(index.find('Tidligere NCE Subsea og gce-node.')).toEqual([
      { clusterId: 1, matchedBy: 'FORMER_NAME', matchedText: 'NCE Subsea' },
      { clusterId: 4, matchedBy: 'SLUG', matchedText: 'gce-node' },
    ]);
  });

  it('by the name without its level prefix when two words or more remain', () => {
    expect(index.find('Innovasjon Torskefisk blir Arena-klynge')).toEqual([
      { clusterId: 2, matchedBy: 'SHORT_NAME', matchedText: 'Innovasjon Torskefisk' },
    ]);
    expect(index.find('Subsea alene, Eyde alene, NODE alene')).toEqual([]);
  });

  it('Norwegian letters are letters: case-folded, and whole words only', () => {
    expect(index.find('SOLENERGIKLYNGEN ØSTLANDET vokser')).toEqual([
      { clusterId: 5, matchedBy: 'NAME', matchedText: 'SOLENERGIKLYNGEN ØSTLANDET' },
    ]);
    expect(index.find('Solenergiklyngen Østlandets')).toEqual([]);
    expect(index.find('Woodworks! og woodworksene')).toEqual([{ clusterId: 6, matchedBy: 'NAME', matchedText: 'Woodworks' }]);
  });

  it('"Arena", "Arena Pro", "NCE" or "GCE" alone link nothing', () => {
    expect(index.find('Arena er et nivå. Arena Pro også. NCE og GCE likeså. Arenaen i Bergen.')).toEqual([]);
  });
});
