// The mock's `search_all`: asks each signed-in service through the mock's own per-service search
// (recorded as a `search` call, held by `hold: ['search:<provider>']`, failed by
// `fail['search:<provider>']` or `fail.search`), and sends the merged page over the channel as
// each answers, as src-tauri's command does. The merge here is a stand-in with the real one's
// shape (exact titles first, services in turn, the same title, first artist and length within 3 s
// folded under `also_on`); the real rule is duet-search's, tested against the fake in Rust.
import type {
  DuetError,
  MergedItems,
  MergedPage,
  Part,
  ProviderId,
  SearchPage,
  SearchType,
  Track,
} from '../../src/lib/bindings';

type Answer =
  | { status: 'pending' }
  | { status: 'not_logged_in' }
  | { status: 'ok'; page: SearchPage }
  | { status: 'error'; error: DuetError };

interface Ask {
  q: string;
  type: SearchType;
  page: number;
  pageSize: number;
  /** Every service of the build, in the parts' order. */
  services: ProviderId[];
  signedIn: (p: ProviderId) => boolean;
  /** One service's own search (rejects with its error). */
  ask: (p: ProviderId) => Promise<SearchPage>;
  send: (page: MergedPage) => void;
}

export async function searchAll(a: Ask): Promise<MergedPage> {
  const answers = new Map<ProviderId, Answer>(
    a.services.map((p) => [p, a.signedIn(p) ? { status: 'pending' } : { status: 'not_logged_in' }]),
  );
  const merged = () => merge(a, answers);
  a.send(merged());
  await Promise.all(
    a.services
      .filter((p) => answers.get(p)?.status === 'pending')
      .map(async (p) => {
        try {
          answers.set(p, { status: 'ok', page: await a.ask(p) });
        } catch (e) {
          answers.set(p, { status: 'error', error: { ...(e as DuetError), provider: p } });
        }
        a.send(merged());
      }),
  );
  return merged();
}

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[\s\p{P}]/gu, '')
    .trim();

function interleave<T>(lists: T[][], exact: (t: T) => boolean): T[] {
  const tiers = [lists.map((l) => l.filter(exact)), lists.map((l) => l.filter((t) => !exact(t)))];
  const out: T[] = [];
  for (const tier of tiers) {
    for (let i = 0; tier.some((l) => i < l.length); i++)
      for (const l of tier) if (i < l.length) out.push(l[i]);
  }
  return out;
}

function sameRecording(a: Track, b: Track): boolean {
  return (
    a.provider !== b.provider &&
    norm(a.title) === norm(b.title) &&
    a.artists[0]?.name === b.artists[0]?.name &&
    Math.abs(a.duration_ms - b.duration_ms) <= 3000
  );
}

function merge(a: Ask, answers: Map<ProviderId, Answer>): MergedPage {
  const parts: Part[] = [];
  const pages: SearchPage[] = [];
  for (const [provider, answer] of answers) {
    if (answer.status === 'ok') {
      pages.push(answer.page);
      parts.push({
        provider,
        status: 'ok',
        total: answer.page.total,
        has_more: answer.page.has_more,
        count: answer.page.items.length,
      });
    } else if (answer.status === 'error') parts.push({ provider, ...answer });
    else parts.push({ provider, status: answer.status });
  }
  const q = norm(a.q);
  const named = (name: string) => norm(name) === q;
  let items: MergedItems;
  if (a.type === 'track') {
    const order = interleave(
      pages.map((p) => p.items as Track[]),
      (t) => named(t.title),
    );
    const folded: { track: Track; also_on: Track[] }[] = [];
    for (const t of order) {
      const twin = folded.find(
        (m) => sameRecording(m.track, t) && m.also_on.every((o) => o.provider !== t.provider),
      );
      if (twin) twin.also_on.push(t);
      else folded.push({ track: t, also_on: [] });
    }
    items = { type: 'track', items: folded };
  } else {
    const lists = pages.map((p) => p.items as { name: string }[]);
    items = { type: a.type, items: interleave(lists, (i) => named(i.name)) } as MergedItems;
  }
  return {
    query: a.q,
    page: a.page,
    page_size: a.pageSize,
    has_more: pages.some((p) => p.has_more),
    parts,
    ...items,
  };
}
