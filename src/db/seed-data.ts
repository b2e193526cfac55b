// The real seed facts (clusters, programme owners and partners, the two source announcements) and a
// deterministic set of plainly synthetic members. Plain data only: the seeder maps it onto entities.
// Facts come from the project's domain notes; the texts are copied in so nothing outside the
// project is read at run time.
import {
  AnnouncementKind,
  ClusterLevel,
  ClusterStatus,
  Language,
  MembershipRole,
  PartnerKind,
  PartnershipRole,
  Provenance,
} from '../entities/enums.js';
import { orgNumberCheckDigit } from '../lib/org-number.js';

export interface SeedLevelPeriod {
  level: ClusterLevel;
  /** First day at this level, YYYY-MM-DD. */
  from: string;
  /** Last day at this level; null for the current period. */
  to: string | null;
}

export interface SeedCluster {
  slug: string;
  name: string;
  level: ClusterLevel;
  status: ClusterStatus;
  county: string;
  city: string;
  sectors: string[];
  description: string;
  foundedYear: number | null;
  admittedOn: string;
  website: string | null;
  orgNumber: string | null;
  levelHistory: SeedLevelPeriod[];
  provenance: Provenance;
}

export interface SeedPartnerInstitution {
  slug: string;
  name: string;
  kind: PartnerKind;
  orgNumber: string | null;
  city: string | null;
  website: string | null;
  provenance: Provenance;
}

export interface SeedPartnership {
  partnerSlug: string;
  clusterSlug: string;
  role: PartnershipRole;
  since: string;
  until: string | null;
}

export interface SeedAnnouncement {
  slug: string;
  title: string;
  body: string;
  language: Language;
  /** ISO-8601 instant. */
  publishedAt: string;
  kind: AnnouncementKind;
  sourceUrl: string | null;
  /** Slugs of the clusters the text names, in order of first mention. */
  mentions: string[];
  provenance: Provenance;
}

export interface SeedOrganization {
  orgNumber: string;
  name: string;
  city: string | null;
  county: string | null;
  naceCode: string | null;
  employees: number | null;
  website: string | null;
  provenance: Provenance;
}

export interface SeedMembership {
  clusterSlug: string;
  orgNumber: string;
  role: MembershipRole;
  joinedOn: string;
  leftOn: string | null;
}

/** An ISO date moved by `days` (UTC calendar arithmetic, so no time-zone shifts). */
function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Clusters
// ---------------------------------------------------------------------------------------------

// Dates are approximations: the sources give years only, except that admissions were announced
// in June in 2014–2016 (so YYYY-06-15 for those years) and the 2015 page shows June without a day.
// Every other year is written as YYYY-01-01. foundedYear is null throughout: the sources give the
// year a cluster entered a level, which is not necessarily the year it was founded.
const JUNE_2014 = '2014-06-15';
const JUNE_2015 = '2015-06-15';
const JUNE_2016 = '2016-06-15';

type LevelStep = readonly [level: ClusterLevel, from: string];

interface ClusterInput {
  slug: string;
  name: string;
  county: string;
  /** The most specific place the sources give; a region or the county where they name no town. */
  city: string;
  sectors: string[];
  description: string;
  /** Level changes in order; each period ends the day before the next one starts. */
  levels: LevelStep[];
}

/** Derives current level, admission date and closed periods from the level steps, so they agree. */
function defineCluster(input: ClusterInput): SeedCluster {
  const { levels, ...rest } = input;
  if (levels.length === 0) throw new Error(`cluster ${input.slug} has no level history`);
  const levelHistory = levels.map(([level, from], i): SeedLevelPeriod => {
    const next = levels[i + 1];
    return { level, from, to: next ? addDays(next[1], -1) : null };
  });
  return {
    ...rest,
    level: levelHistory[levelHistory.length - 1].level,
    status: ClusterStatus.ACTIVE,
    foundedYear: null,
    admittedOn: levelHistory[0].from,
    website: null,
    orgNumber: null,
    levelHistory,
    provenance: Provenance.SOURCE,
  };
}

const { ARENA, ARENA_PRO, NCE, GCE } = ClusterLevel;

// Left out for want of facts: Oslo Cancer Cluster (no year given), Ocean Hyway Cluster (Arena
// start year unknown) and Solenergiklyngen (county unclear: "Østlandet / Agder").
export const SEED_CLUSTERS: readonly SeedCluster[] = [
  // The seven clusters of the June 2015 admission announcement, in its order.
  defineCluster({
    slug: 'gce-subsea',
    name: 'GCE Subsea',
    county: 'Vestland',
    city: 'Bergen',
    sectors: ['subsea', 'ocean technology'],
    description:
      'Bergen-based subsea cluster (later GCE Ocean Technology); an NCE from 2006, raised to Global Centre of Expertise in 2015.',
    levels: [
      [NCE, '2006-01-01'],
      [GCE, JUNE_2015],
    ],
  }),
  defineCluster({
    slug: 'nce-seafood-innovation-cluster',
    name: 'NCE Seafood Innovation Cluster',
    county: 'Vestland',
    city: 'Bergen',
    sectors: ['seafood', 'aquaculture'],
    description: 'Seafood and aquaculture cluster in Bergen, given NCE status in 2015.',
    levels: [[NCE, JUNE_2015]],
  }),
  defineCluster({
    slug: 'nce-health-technology',
    name: 'NCE Health Technology',
    county: 'Oslo',
    city: 'Oslo',
    sectors: ['medical technology'],
    description: 'Medical technology cluster in Oslo, also known as Oslo Medtech, given NCE status in 2015.',
    levels: [[NCE, JUNE_2015]],
  }),
  defineCluster({
    slug: 'nce-eyde',
    name: 'NCE Eyde',
    county: 'Agder',
    city: 'Agder',
    sectors: ['process industry'],
    description: 'Process-industry cluster in Agder, given NCE status in 2015.',
    levels: [[NCE, JUNE_2015]],
  }),
  defineCluster({
    slug: 'arena-innovasjon-torskefisk',
    name: 'Arena Innovasjon Torskefisk',
    county: 'Nordland',
    city: 'Nordland',
    sectors: ['cod fisheries', 'seafood'],
    description: 'Cod-fisheries cluster in Nordland, admitted as an Arena cluster in 2015.',
    levels: [[ARENA, JUNE_2015]],
  }),
  defineCluster({
    slug: 'arena-olje-og-gassklynge-helgeland',
    name: 'Arena olje- og gassklynge Helgeland',
    county: 'Nordland',
    city: 'Helgeland',
    sectors: ['oil and gas'],
    description: 'Oil and gas supplier cluster on Helgeland, admitted as an Arena cluster in 2015.',
    levels: [[ARENA, JUNE_2015]],
  }),
  defineCluster({
    slug: 'oslo-edtech-cluster',
    name: 'Oslo EdTech Cluster',
    county: 'Oslo',
    city: 'Oslo',
    sectors: ['education technology'],
    description: 'Education-technology cluster in Oslo, admitted as an Arena cluster in 2015.',
    levels: [[ARENA, JUNE_2015]],
  }),

  // Other clusters with known level history.
  defineCluster({
    slug: 'gce-node',
    name: 'GCE NODE',
    county: 'Agder',
    city: 'Kristiansand',
    sectors: ['offshore drilling', 'energy'],
    description: 'Drilling and energy-technology cluster in the Kristiansand region; NCE from 2009, GCE from 2014.',
    levels: [
      [NCE, '2009-01-01'],
      [GCE, JUNE_2014],
    ],
  }),
  defineCluster({
    slug: 'gce-blue-maritime',
    name: 'GCE Blue Maritime',
    county: 'Møre og Romsdal',
    city: 'Ålesund',
    sectors: ['maritime'],
    description: 'Maritime cluster in the Ålesund region (formerly NCE Maritime); NCE from 2006, GCE from 2014.',
    levels: [
      [NCE, '2006-01-01'],
      [GCE, JUNE_2014],
    ],
  }),
  defineCluster({
    slug: 'nce-aquatech-cluster',
    name: 'NCE Aquatech Cluster',
    county: 'Trøndelag',
    city: 'Trøndelag',
    sectors: ['aquaculture technology'],
    description: 'Aquaculture-technology cluster in Trøndelag, given NCE status in 2016.',
    levels: [[NCE, JUNE_2016]],
  }),
  defineCluster({
    slug: 'woodworks',
    name: 'Woodworks!',
    county: 'Trøndelag',
    city: 'Trøndelag',
    sectors: ['forestry', 'wood'],
    description: 'Forestry and wood cluster in Trøndelag (formerly Arena Skognæringa); Arena from 2016, Arena Pro from 2019.',
    levels: [
      [ARENA, JUNE_2016],
      [ARENA_PRO, '2019-01-01'],
    ],
  }),
  defineCluster({
    slug: 'norwegian-tunnel-safety-cluster',
    name: 'Norwegian Tunnel Safety Cluster',
    county: 'Rogaland',
    city: 'Rogaland',
    sectors: ['tunnel safety'],
    description: 'Tunnel-safety cluster in Rogaland, admitted as an Arena cluster in 2016.',
    levels: [[ARENA, JUNE_2016]],
  }),
  defineCluster({
    slug: 'finance-innovation',
    name: 'Finance Innovation',
    county: 'Vestland',
    city: 'Bergen',
    sectors: ['fintech', 'finance'],
    description: 'Financial-technology cluster in Bergen; Arena from 2017, NCE from 2018.',
    levels: [
      [ARENA, '2017-01-01'],
      [NCE, '2018-01-01'],
    ],
  }),
  defineCluster({
    slug: 'ikuben',
    name: 'iKuben',
    county: 'Møre og Romsdal',
    city: 'Molde',
    sectors: ['manufacturing'],
    description: 'Manufacturing cluster in Molde, given NCE status in 2017.',
    levels: [[NCE, '2017-01-01']],
  }),
  defineCluster({
    slug: 'norwegian-offshore-wind',
    name: 'Norwegian Offshore Wind',
    county: 'Vestland',
    city: 'Stord',
    sectors: ['offshore wind', 'energy'],
    description: 'Offshore-wind cluster based at Stord and Haugalandet; Arena from 2018, Arena Pro from 2021.',
    levels: [
      [ARENA, '2018-01-01'],
      [ARENA_PRO, '2021-01-01'],
    ],
  }),
  defineCluster({
    slug: 'construction-city-cluster',
    name: 'Construction City Cluster',
    county: 'Oslo',
    city: 'Oslo',
    sectors: ['construction'],
    description: 'Construction cluster in Oslo, admitted as an Arena cluster in 2019.',
    levels: [[ARENA, '2019-01-01']],
  }),
  defineCluster({
    slug: 'marine-recycling-cluster',
    name: 'Marine Recycling Cluster',
    county: 'Nordland',
    city: 'Vesterålen',
    sectors: ['marine clean-up', 'recycling'],
    description: 'Marine clean-up and recycling cluster in Vesterålen, admitted as an Arena cluster in 2019.',
    levels: [[ARENA, '2019-01-01']],
  }),
  defineCluster({
    slug: 'nce-tourism-fjord-norway',
    name: 'NCE Tourism – Fjord Norway',
    // The sources say only "Western Norway"; Vestland is the county that region centres on.
    county: 'Vestland',
    city: 'Vestlandet',
    sectors: ['tourism'],
    description: 'Tourism cluster for Fjord Norway in Western Norway, an NCE from 2009.',
    levels: [[NCE, '2009-01-01']],
  }),
];

// ---------------------------------------------------------------------------------------------
// Partner institutions and partnerships
// ---------------------------------------------------------------------------------------------

/** The three institutions that own and run the programme jointly. */
export const PROGRAMME_OWNER_SLUGS = ['innovasjon-norge', 'forskningsradet', 'siva'] as const;

// Websites are the institutions' well-known home pages; organisation numbers only where the
// sources list one that passes the check.
export const SEED_PARTNERS: readonly SeedPartnerInstitution[] = [
  {
    slug: 'innovasjon-norge',
    name: 'Innovasjon Norge',
    kind: PartnerKind.FUNDING_AGENCY,
    orgNumber: '986399445',
    city: 'Oslo',
    website: 'https://www.innovasjonnorge.no',
    provenance: Provenance.SOURCE,
  },
  {
    slug: 'forskningsradet',
    name: 'Norges forskningsråd',
    kind: PartnerKind.FUNDING_AGENCY,
    orgNumber: null,
    city: null,
    website: 'https://www.forskningsradet.no',
    provenance: Provenance.SOURCE,
  },
  {
    slug: 'siva',
    name: 'SIVA',
    kind: PartnerKind.PUBLIC_AGENCY,
    orgNumber: null,
    city: 'Trondheim',
    website: 'https://siva.no',
    provenance: Provenance.SOURCE,
  },
  {
    slug: 'universitetet-i-bergen',
    name: 'Universitetet i Bergen',
    kind: PartnerKind.UNIVERSITY,
    orgNumber: null,
    city: 'Bergen',
    website: 'https://www.uib.no',
    provenance: Provenance.SOURCE,
  },
  {
    slug: 'nhh',
    name: 'NHH Norges Handelshøyskole',
    kind: PartnerKind.UNIVERSITY,
    orgNumber: null,
    city: 'Bergen',
    website: 'https://www.nhh.no',
    provenance: Provenance.SOURCE,
  },
  {
    slug: 'havforskningsinstituttet',
    name: 'Havforskningsinstituttet',
    kind: PartnerKind.RESEARCH_INSTITUTE,
    orgNumber: null,
    city: 'Bergen',
    website: 'https://www.hi.no',
    provenance: Provenance.SOURCE,
  },
  {
    slug: 'nofima',
    name: 'Nofima',
    kind: PartnerKind.RESEARCH_INSTITUTE,
    orgNumber: null,
    city: 'Tromsø',
    website: 'https://nofima.no',
    provenance: Provenance.SOURCE,
  },
];

/** NIC, the umbrella the programme owners run together, started in 2014 (replacing Arena and NCE). */
export const NIC_START = '2014-01-01';

/** The research partnerships are illustrative: the sources name these partners, not the pairings. */
const RESEARCH_PAIRS: ReadonlyArray<readonly [partnerSlug: string, clusterSlug: string]> = [
  ['universitetet-i-bergen', 'gce-subsea'],
  ['havforskningsinstituttet', 'nce-seafood-innovation-cluster'],
  ['nofima', 'nce-seafood-innovation-cluster'],
  ['nhh', 'finance-innovation'],
  ['nofima', 'arena-innovasjon-torskefisk'],
  ['nofima', 'nce-aquatech-cluster'],
];

function buildPartnerships(): SeedPartnership[] {
  const admitted = new Map(SEED_CLUSTERS.map((c) => [c.slug, c.admittedOn]));
  // A cluster admitted before 2014 came under the three joint owners only when NIC started.
  const owners = PROGRAMME_OWNER_SLUGS.flatMap((partnerSlug) =>
    SEED_CLUSTERS.map(
      (cluster): SeedPartnership => ({
        partnerSlug,
        clusterSlug: cluster.slug,
        role: PartnershipRole.PROGRAMME_OWNER,
        since: cluster.admittedOn > NIC_START ? cluster.admittedOn : NIC_START,
        until: null,
      }),
    ),
  );
  const research = RESEARCH_PAIRS.map(([partnerSlug, clusterSlug]): SeedPartnership => {
    const since = admitted.get(clusterSlug);
    if (!since) throw new Error(`research partnership names unknown cluster ${clusterSlug}`);
    return { partnerSlug, clusterSlug, role: PartnershipRole.RESEARCH, since, until: null };
  });
  return [...owners, ...research];
}

export const SEED_PARTNERSHIPS: readonly SeedPartnership[] = buildPartnerships();

// ---------------------------------------------------------------------------------------------
// Announcements
// ---------------------------------------------------------------------------------------------

// Copied from the published pages with the site chrome (navigation, "Aktiver Javascript…",
// "Til toppen", the repeated title) removed, non-breaking spaces made plain and link lines kept
// as their own paragraphs. Spelling is the source's own.
const ADMISSION_2015_PARAGRAPHS = [
  'Omstilling og bærekraftig utvikling er viktige mål og fellestrekk for de syv nye næringsklyngene som nå får støtte og oppfølging gjennom klyngeprogrammet Norwegian Innovation Clusters.',
  'Næringsminister Monica Mæland og kommunal- og moderniseringsminister Jan Tore Sanner presenterte i dag syv nye norske næringsklynger som nå inngår i det nasjonale klyngeprogrammet Norwegian Innovation Clusters.',
  'Næringsminister Monica Mæland mener satsingen på utvikling av sterke næringsklynger er viktig for at norsk næringsliv skal møte kommende utfordringer.',
  '- Vi må være ett skritt foran konkurrentene våre. Næringsklyngene bidrar til samarbeid, utveksling av kunnskap og innovasjon. Resultatene de skaper vil være viktig for etablering av nye arbeidsplasser og bedrifter. Vi har derfor store forventningene til klyngene som i dag blir tatt opp i programmet, sier næringsminister Monica Mæland.',
  'De nye klyngene omfatter både nye næringer og næringer som arbeider med omstilling i retning av mer bærekraftig utvikling. I dette inngår forskning og innovasjon som viktige verktøy for å løse utfordringer og bygge langsiktig kompetanse.',
  'Den Bergens-baserte GCE Subsea har fått status som et gobalt ekspertisesenter. Fra venstre: næringsminister Monica Mæland, senior subsea innovator Jon Hellevang, administrerende direktør Ove Hagesæther og kommunal og moderniseringsminister Jan Tore Sanner. (Foto: Innovasjon Norge.)',
  'Med status som Global Centres of Expertise går det Bergen-baserte klyngen GCE Subsea inn i det som kan kalles norsk næringslivs elitedivisjon. En viktig målsetting for GCE Subsea er å bidra til omstilling og videreutvikling av verdensledende norsk undervannsteknologi til bruk på nye områder og i nye næringer.',
  'I tillegg ble NCE Seafood Innovation Cluster, NCE Health Technology og NCE Eyde i dag tildelt status som Norwegian Centres of Expertise, mens Innovasjon Torskefisk, Arena olje- og gassklynge Helgeland og Oslo Ed Tech Cluster blir nye Arena-klynger, det vil si får status som klynger i tidlig fase.',
  'Les mer om de nye næringsklyngene hos Innovasjon Norge: Nye næringsklynger skal bidra til omstilling og ny vekst',
];
const GISKE_2013_PARAGRAPHS = [
  'Det kommer frem under statsrådens besøk til National Oilwell Varco i Kristiansand i dag. Innovasjon Norge mener at dette er et steg i riktig retning.',
  'Les hele saken om utspillet til Nærings- og handelsminister Trond Giske til NRK i dag',
  '- Dersom Regjeringen ønsker at klyngesatsingen skal løftes videre, så er det noe Innovasjon Norge ser positivt på. Innovasjon Norge har pekt på utviklingen av klynger, og det er viktig og sentralt innspill til Statsbudsjettet 2014. Derfor er vi glade for at de foreslår dette, som er i samsvar med våres innovasjonspolitiske råd, sier administrerende direktør Gunn Ovesen.',
  'Allerede høsten 2012 utarbeidet Innovasjon Norge et innspill om et nytt helhetlig klyngeprogram og styret besluttet å prioritere dette som ett av Innovasjon Norges tre innspill til Statsbudsjettet 2014.',
  '- Satsningen innebærer at vi kan styrke innsatsen for flere innovative næringsmiljøer i Norge. Innovasjon Norge skal utløse og forsterke konkurransefortrinn hos innovative næringsmiljøer, ved å bidra med finansiering og faglig støtte til initiering, utvikling og drift av klynger. Vi skal kort og godt bidra til å utvikle mer innovative, dynamiske og internasjonalt orienterte næringsmiljøer, sier Ovesen.',
  'Mangfold i norsk næringsliv',
  'Innovasjon Norge ønsker et mangfoldig norsk næringsliv og legger vekt på dristig innovasjon. På Signalkonferansen i mai fremhevet Gunn Ovesen nettopp dette i sin Innovasjonstale.',
  '- Vi trenger et fargerikt fellesskap og en stor palett å velge fra. For å få større mangfold må vi satse mer på innovasjon. Mer dristig innovasjon, der bedriftene utvikler helt nye varer og tjenester, og helt nye måter å levere dem på. På den måten skaper de ny aktivitet når de markedene vi kjenner fra før, forsvinner. Det betyr ikke at vi skal satse på helt nye aktiviteter på områder vi ikke har greie på. Vi må få til økt mangfold på de områdene der vi er gode, sa hun da.',
  'Giske følger nå opp sentrale temaer fra årets Innovasjonstale, og i tråd med Ovesens utspill om å sikre et best mulig samspill mellom bedriftene, klyngene og kompetansemiljøene, både lokalt og internasjonalt.',
  '- For å få til det, må vi forsterke satsingene på ulike typer sentre og klyngeprogrammer. Disse miljøene må være treffsikre og forstå markedets behov. Jeg mener at etableringen av Global Centres of Expertise vil være med på å styrke norsk næringslivs evne til å hente inn kunnskap utenfra. Det vil igjen styrke konkurranseevnen, sa Ovesen.',
  'Les hele Innovasjonstalen',
  'Helhetlig satsing på næringsklynger',
  'Gode næringsmiljøer bidrar til å gjøre bedriftene som inngår i dem mer innovative og mer konkurransedyktige. De to klyngeprogrammene Arena og Norwegian Centers of Expertise (NCE) har møtt positiv respons og stor etterspørsel. Innovasjon Norge foreslår å opprette et nytt program som dekker klynger i alle utviklingsstadier. Det nye programmet vil erstatte Arena og NCE fra 2014 av.',
  'Programmet vil skreddersy tilbudet bedre til den enkelte klyngens spesifikke utfordringer og muligheter. Blant annet vil næringsklynger som har vekstpotensial i globale markeder få egne tilbud. Felles nasjonale kriterier vil sikre høy og konsistent kvalitet og gi status til de klyngene som kvalifiserer. Programmet vil fortsatt være et samarbeid mellom Norges Forskningsråd, SIVA og Innovasjon Norge.',
];

export const SEED_ANNOUNCEMENTS: readonly SeedAnnouncement[] = [
  {
    slug: 'nye-naeringsklynger-skal-bidra-til-omstilling',
    title: 'Nye næringsklynger skal bidra til omstilling',
    body: ADMISSION_2015_PARAGRAPHS.join('\n\n'),
    language: Language.nb,
    // The page (regjeringen.no) shows only June 2015; the day and time are placeholders.
    publishedAt: '2015-06-15T10:00:00Z',
    kind: AnnouncementKind.ADMISSION,
    // The page's address was not verified, so none is stored.
    sourceUrl: null,
    mentions: [
      'gce-subsea',
      'nce-seafood-innovation-cluster',
      'nce-health-technology',
      'nce-eyde',
      'arena-innovasjon-torskefisk',
      'arena-olje-og-gassklynge-helgeland',
      'oslo-edtech-cluster',
    ],
    provenance: Provenance.SOURCE,
  },
  {
    slug: 'giske-vil-videreutvikle-naeringsklyngene',
    title: 'Giske vil videreutvikle næringsklyngene',
    body: GISKE_2013_PARAGRAPHS.join('\n\n'),
    language: Language.nb,
    // Approximate (Innovasjon Norge shows no date): 2013, after the May Signal conference and
    // before the 2014 state budget.
    publishedAt: '2013-06-01T10:00:00Z',
    kind: AnnouncementKind.POLICY,
    sourceUrl: null,
    // The text names no cluster; Innovasjon Norge, SIVA and Forskningsrådet are partners.
    mentions: [],
    provenance: Provenance.SOURCE,
  },
];

// ---------------------------------------------------------------------------------------------
// Demo members (synthetic)
// ---------------------------------------------------------------------------------------------

/** How many synthetic organizations the demo data has. */
export const DEMO_ORGANIZATION_COUNT = 40;

// Synthetic numbers from a block no real unit is expected to use; each still passes the check.
const DEMO_ORG_NUMBER_BASE = 99_999_000;
// No demo membership ends later than this, so none ends in the future of the data set.
const DEMO_LATEST_LEFT_ON = '2025-06-30';
const DEMO_SEED = 20150615;

/** Theme word and a typical NACE code per cluster, for naming its synthetic members. */
const DEMO_PROFILES: Readonly<Record<string, { theme: string; nace: string }>> = {
  'gce-subsea': { theme: 'Subsea', nace: '71.129' },
  'nce-seafood-innovation-cluster': { theme: 'Seafood', nace: '10.201' },
  'nce-health-technology': { theme: 'Medtech', nace: '32.501' },
  'nce-eyde': { theme: 'Process', nace: '24.420' },
  'arena-innovasjon-torskefisk': { theme: 'Cod', nace: '03.111' },
  'arena-olje-og-gassklynge-helgeland': { theme: 'Offshore Supply', nace: '09.101' },
  'oslo-edtech-cluster': { theme: 'EdTech', nace: '62.010' },
  'gce-node': { theme: 'Drilling', nace: '28.920' },
  'gce-blue-maritime': { theme: 'Maritime', nace: '30.111' },
  'nce-aquatech-cluster': { theme: 'Aquatech', nace: '28.300' },
  woodworks: { theme: 'Timber', nace: '16.100' },
  'norwegian-tunnel-safety-cluster': { theme: 'Tunnel', nace: '42.130' },
  'finance-innovation': { theme: 'Fintech', nace: '62.010' },
  ikuben: { theme: 'Manufacturing', nace: '25.620' },
  'norwegian-offshore-wind': { theme: 'Wind', nace: '71.129' },
  'construction-city-cluster': { theme: 'Construction', nace: '41.200' },
  'marine-recycling-cluster': { theme: 'Ocean Cleanup', nace: '38.320' },
  'nce-tourism-fjord-norway': { theme: 'Fjord Travel', nace: '79.110' },
};

const DEMO_SUFFIXES = ['Solutions', 'Systems', 'Partners', 'Labs', 'Works'];

/** mulberry32: a tiny seeded PRNG, so the demo data is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const intBetween = (random: () => number, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

/** The first `count` valid organisation numbers of the demo block, in order. */
function demoOrgNumbers(count: number): string[] {
  const numbers: string[] = [];
  for (let base = DEMO_ORG_NUMBER_BASE; numbers.length < count; base++) {
    const firstEight = String(base);
    const check = orgNumberCheckDigit(firstEight);
    if (check !== null) numbers.push(`${firstEight}${check}`);
  }
  return numbers;
}

/** Plainly synthetic member organizations, spread round-robin over the seeded clusters' regions. */
export function demoOrganizations(): SeedOrganization[] {
  const random = seededRandom(DEMO_SEED);
  const numbers = demoOrgNumbers(DEMO_ORGANIZATION_COUNT);
  return numbers.map((orgNumber, i): SeedOrganization => {
    const home = SEED_CLUSTERS[i % SEED_CLUSTERS.length];
    const profile = DEMO_PROFILES[home.slug];
    if (!profile) throw new Error(`no demo profile for cluster ${home.slug}`);
    const round = Math.floor(i / SEED_CLUSTERS.length);
    return {
      orgNumber,
      name: `Demo ${profile.theme} ${DEMO_SUFFIXES[round % DEMO_SUFFIXES.length]} AS (demo)`,
      city: home.city,
      county: home.county,
      naceCode: profile.nace,
      // Squared to skew towards small firms, as most cluster members are.
      employees: 2 + Math.round(random() ** 2 * 400),
      website: null,
      provenance: Provenance.DEMO,
    };
  });
}

/**
 * Synthetic memberships: every cluster gets its home organizations (the first is the HOST) plus a
 * few from elsewhere, 3–8 in all; some later members have left again.
 */
export function demoMemberships(): SeedMembership[] {
  const organizations = demoOrganizations();
  const random = seededRandom(DEMO_SEED + 1);
  const memberships: SeedMembership[] = [];
  SEED_CLUSTERS.forEach((cluster, c) => {
    const chosen = organizations.filter((_, i) => i % SEED_CLUSTERS.length === c);
    const size = Math.min(8, Math.max(3, chosen.length + intBetween(random, 1, 4)));
    while (chosen.length < size) {
      const candidate = organizations[Math.floor(random() * organizations.length)];
      if (!chosen.includes(candidate)) chosen.push(candidate);
    }
    chosen.forEach((organization, k) => {
      const role =
        k === 0 ? MembershipRole.HOST : k === 1 || (k === 2 && chosen.length >= 5) ? MembershipRole.CORE : MembershipRole.MEMBER;
      // The host is there from admission; the others join within about four years.
      const joinedOn = k === 0 ? cluster.admittedOn : addDays(cluster.admittedOn, intBetween(random, 30, 1500));
      let leftOn: string | null = null;
      if (k > 0 && random() < 0.15) {
        const candidate = addDays(joinedOn, intBetween(random, 180, 1200));
        if (candidate <= DEMO_LATEST_LEFT_ON) leftOn = candidate;
      }
      memberships.push({ clusterSlug: cluster.slug, orgNumber: organization.orgNumber, role, joinedOn, leftOn });
    });
  });
  return memberships;
}
