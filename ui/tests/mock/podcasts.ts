// The mock's podcasts, as the fake upstream's: NetEase `7770000001` with 64 episodes (so paging
// is real), `7770000002` with a hostile name and titles, both subscribed, and `7770000003` not
// subscribed; any other id is unknown. QQ Music offers none (`declined`), as the app says.
import type {
  Episode,
  EpisodePage,
  EpisodeProgress,
  Podcast,
  ProviderId,
} from '../../src/lib/bindings';
import { art } from './data';

export const LONG_PODCAST = '7770000001';
export const HOSTILE_PODCAST = '7770000002';
export const OTHER_PODCAST = '7770000003';
export const HOSTILE_PODCAST_NAME = '<img src=x onerror="window.__pwned=1"> "播客" DROP --';
const PAGE_SIZE = 30;
const WEEK_MS = 7 * 24 * 3600 * 1000;
const FIRST_MS = Date.UTC(2025, 0, 6);

type Show = { id: string; name: string; host: string; episodes: number; description: string };
const SHOWS: Show[] = [
  {
    id: LONG_PODCAST,
    name: 'Duet Nightly: Code & Coffee',
    host: 'Ada Night',
    episodes: 64,
    description: 'Two engineers talk about building things, one cup at a time.',
  },
  {
    id: HOSTILE_PODCAST,
    name: HOSTILE_PODCAST_NAME,
    host: '<b>host</b>',
    episodes: 3,
    description: '</p><script>window.__pwned=1</script>',
  },
  {
    id: OTHER_PODCAST,
    name: 'Slow Tuesdays',
    host: 'Mira Slow',
    episodes: 12,
    description: 'A quiet hour of stories for the middle of the week.',
  },
];

const subscribed: string[] = [LONG_PODCAST, HOSTILE_PODCAST];

function declined(provider: ProviderId) {
  return { provider, kind: 'declined' as const, message: 'qq offers no podcasts in Duet' };
}
function unknown(provider: ProviderId, id: string) {
  return {
    provider,
    kind: 'not_found' as const,
    message: `NetEase has no podcast ${id}`,
    upstream_code: 404,
  };
}

function podcastOf(show: Show): Podcast {
  return {
    provider: 'netease',
    id: show.id,
    name: show.name,
    host: { id: `host-${show.id}`, name: show.host },
    cover_url: art(`podcast:${show.id}`),
    description: show.description,
    category: 'Tech',
    episode_count: show.episodes,
    subscriber_count: 1234,
    subscribed: subscribed.includes(show.id),
    last_episode_at_ms: FIRST_MS + (show.episodes - 1) * WEEK_MS,
  };
}

function episode(show: Show, n: number): Episode {
  const title =
    show.id === HOSTILE_PODCAST
      ? `<script>window.__pwned=1</script> ep ${n}`
      : `Episode ${n}: ${show.name}`;
  const duration = 600_000 + n * 1000;
  return {
    provider: 'netease',
    id: `${show.id}-${n}`,
    podcast_id: show.id,
    title,
    description: `Notes for episode ${n}.`,
    cover_url: art(`episode:${show.id}:${n}`),
    duration_ms: duration,
    published_at_ms: FIRST_MS + (n - 1) * WEEK_MS,
    number: n,
    listen_count: 1000 + n * 37,
    track: {
      provider: 'netease',
      id: `779${show.id.slice(-1)}${String(n).padStart(4, '0')}1`,
      title,
      artists: [{ id: '', name: show.name }],
      album: { id: '', name: show.name, cover_url: art(`episode:${show.id}:${n}`) },
      duration_ms: duration,
      playable: true,
      vip: false,
    },
  };
}

function showOf(provider: ProviderId, id: string): Show | Promise<never> {
  if (provider === 'qq') return Promise.reject(declined(provider));
  return SHOWS.find((s) => s.id === id) ?? Promise.reject(unknown(provider, id));
}

export function mockSubscribed(provider: ProviderId): Podcast[] | Promise<never> {
  if (provider === 'qq') return Promise.reject(declined(provider));
  return subscribed.map((id) => podcastOf(SHOWS.find((s) => s.id === id)!));
}

export function mockPodcast(provider: ProviderId, id: string): Podcast | Promise<never> {
  const show = showOf(provider, id);
  return show instanceof Promise ? show : podcastOf(show);
}

export function mockEpisodes(
  provider: ProviderId,
  id: string,
  page: number,
): EpisodePage | Promise<never> {
  const show = showOf(provider, id);
  if (show instanceof Promise) return show;
  if (page < 1 || page > 2000)
    return Promise.reject({ provider, kind: 'bad_request', message: 'pages go from 1 to 2000' });
  const numbers = Array.from({ length: show.episodes }, (_, i) => show.episodes - i);
  const slice = numbers.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  return {
    provider,
    podcast_id: id,
    page,
    page_size: PAGE_SIZE,
    total: show.episodes,
    has_more: page * PAGE_SIZE < show.episodes,
    episodes: slice.map((n) => episode(show, n)),
  };
}

export function mockSubscribe(
  provider: ProviderId,
  id: string,
  on: boolean,
): null | Promise<never> {
  const show = showOf(provider, id);
  if (show instanceof Promise) return show;
  const at = subscribed.indexOf(id);
  if (at >= 0) subscribed.splice(at, 1);
  if (on) subscribed.unshift(id);
  return null;
}

/** Where episodes were left, as podcast-positions.json holds them (by episode id). */
export const progress = new Map<string, EpisodeProgress>();

/** Where `e` starts: where it was left, unless heard to its end or barely begun. */
export function startAt(e: Episode): number {
  const p = progress.get(e.id);
  return p && !p.played && p.position_ms >= 1000 ? p.position_ms : 0;
}
