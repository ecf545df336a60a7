// The mock's listening record: plays a test gives (`window.__DUET_MOCK__.listening`), summed the
// way duet-listening sums them (time heard per track, per credited artist, per named album;
// most heard first), over periods counted in whole days back from today.
import type {
  AlbumRef,
  Amount,
  ArtistRef,
  DayAmount,
  Period,
  ProviderId,
  Summary,
  TopAlbum,
  TopArtist,
  TopTrack,
} from '../../src/lib/bindings';

/** One play of the mock's record. */
export interface MockPlay {
  provider: ProviderId;
  track_id: string;
  title: string;
  artists: ArtistRef[];
  album: AlbumRef;
  /** 0 = today. */
  days_ago: number;
  heard_ms: number;
}

const SPAN: Record<Period, number> = {
  today: 1,
  week: 7,
  month: 30,
  year: 365,
  all_time: Infinity,
};

function add(a: Amount, heard: number): Amount {
  return { heard_ms: a.heard_ms + heard, plays: a.plays + 1 };
}

function amountOf(plays: MockPlay[]): Amount {
  return plays.reduce((a, p) => add(a, p.heard_ms), { heard_ms: 0, plays: 0 });
}

function ranked<T extends Amount>(rows: Map<string, T>): T[] {
  return [...rows.values()]
    .sort((a, b) => b.heard_ms - a.heard_ms || b.plays - a.plays)
    .slice(0, 10);
}

function isoDay(daysAgo: number, offsetMinutes: number): string {
  const ms = Date.now() + offsetMinutes * 60_000 - daysAgo * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

export function mockSummary(
  all: MockPlay[],
  period: Period,
  service: ProviderId | null,
  offsetMinutes: number,
): Summary {
  const mine = all.filter((p) => !service || p.provider === service);
  const within = (days: number) => mine.filter((p) => p.days_ago < days);
  const inPeriod = within(SPAN[period]);
  const tracks = new Map<string, TopTrack>();
  const artists = new Map<string, TopArtist>();
  const albums = new Map<string, TopAlbum>();
  for (const p of inPeriod) {
    const tk = `${p.provider}:${p.track_id}`;
    const t = tracks.get(tk) ?? {
      provider: p.provider,
      id: p.track_id,
      title: p.title,
      artists: p.artists,
      album: p.album,
      heard_ms: 0,
      plays: 0,
    };
    tracks.set(tk, { ...t, ...add(t, p.heard_ms) });
    for (const a of p.artists) {
      const ak = `${p.provider}:${a.id || `name:${a.name}`}`;
      const r = artists.get(ak) ?? {
        provider: p.provider,
        id: a.id,
        name: a.name,
        heard_ms: 0,
        plays: 0,
      };
      artists.set(ak, { ...r, ...add(r, p.heard_ms) });
    }
    if (p.album.name) {
      const bk = `${p.provider}:${p.album.id || `name:${p.album.name}`}`;
      const r = albums.get(bk) ?? {
        provider: p.provider,
        id: p.album.id,
        name: p.album.name,
        artists: p.artists,
        heard_ms: 0,
        plays: 0,
      };
      albums.set(bk, { ...r, ...add(r, p.heard_ms) });
    }
  }
  const days: DayAmount[] = [];
  for (let ago = 29; ago >= 0; ago--) {
    days.push({
      date: isoDay(ago, offsetMinutes),
      ...amountOf(mine.filter((p) => p.days_ago === ago)),
    });
  }
  return {
    period,
    service,
    totals: {
      today: amountOf(within(1)),
      week: amountOf(within(7)),
      month: amountOf(within(30)),
      all_time: amountOf(mine),
    },
    days,
    tops: { tracks: ranked(tracks), artists: ranked(artists), albums: ranked(albums) },
  };
}
