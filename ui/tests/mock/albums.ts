// The mock's albums and artists: any id has a page. Special ids show what the pages must
// handle, as the fake upstream's do: album `2000` has 2,000 tracks, artist `8000` (the first
// pool artist, 周杰伦) 300 albums, album and artist `666` hostile names and descriptions.
import type {
  Album,
  Artist,
  ArtistAlbums,
  ArtistPage,
  ProviderId,
  Track,
} from '../../src/lib/bindings';
import { art, avatar, makeTracks, qqCover, qqTracks } from './data';

/** The names the mock's tracks give artists and albums, so their pages agree with the rows. */
const known = (() => {
  const artists = new Map<string, string>();
  const albums = new Map<string, string>();
  for (const t of [...makeTracks(200), ...makeTracks(200, 1), ...qqTracks(200)]) {
    for (const a of t.artists) if (!artists.has(a.id)) artists.set(a.id, a.name);
    if (!albums.has(t.album.id)) albums.set(t.album.id, t.album.name);
  }
  return { artists, albums };
})();

export const LONG_ALBUM = '2000';
export const PROLIFIC_ARTIST = '8000';
export const HOSTILE_ID = '666';
export const HOSTILE_NAME = '<img src=x onerror="window.__pwned=1"> "; DROP TABLE --';
const HOSTILE_TEXT = '</p><script>window.__pwned=1</script>\n{{7*7}} ${7*7}';
const PAGE_SIZE = 30;

function small(s: string): number {
  let h = 7;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) % 100_000;
  return h;
}

function cover(provider: ProviderId, id: string): string {
  return provider === 'qq' ? qqCover(id) : art(`al:${id}`);
}

function artistName(id: string): string {
  if (id === HOSTILE_ID) return HOSTILE_NAME;
  return known.artists.get(id) ?? `歌手 ${id}`;
}

function albumName(id: string): string {
  if (id === HOSTILE_ID) return HOSTILE_NAME;
  if (id === LONG_ALBUM) return '两千首';
  return known.albums.get(id) ?? `专辑 ${id}`;
}

function albumArtist(id: string): string {
  if (id === HOSTILE_ID) return HOSTILE_ID;
  if (id === LONG_ALBUM || id.startsWith(`${PROLIFIC_ARTIST}-`)) return PROLIFIC_ARTIST;
  return id.includes('-') ? id.split('-')[0] : String(7000 + (small(id) % 50));
}

function albumCount(artist: string): number {
  return artist === PROLIFIC_ARTIST ? 300 : artist === HOSTILE_ID ? 1 : 3 + (small(artist) % 10);
}

/** The `n`-th (0-based, newest first) album id of `artist`. */
function artistAlbumId(artist: string, n: number): string {
  if (artist === PROLIFIC_ARTIST && n === 0) return LONG_ALBUM;
  if (artist === HOSTILE_ID && n === 0) return HOSTILE_ID;
  return `${artist}-${n + 1}`;
}

function placed(tracks: Track[], album: Album | null, artist: Artist | null): Track[] {
  return tracks.map((t) => ({
    ...t,
    ...(album ? { album: { id: album.id, name: album.name, cover_url: album.cover_url } } : {}),
    ...(artist ? { artists: [{ id: artist.id, name: artist.name }] } : {}),
  }));
}

function albumOf(provider: ProviderId, id: string): Album {
  const artist = albumArtist(id);
  return {
    provider,
    id,
    name: albumName(id),
    cover_url: cover(provider, id),
    artists: [{ id: artist, name: artistName(artist) }],
    track_count: id === LONG_ALBUM ? 2000 : 8 + (small(id) % 8),
    published_at_ms: Date.UTC(1995 + (small(id) % 30), small(id) % 12, 1 + (small(id) % 28)),
  };
}

function artistOf(provider: ProviderId, id: string): Artist {
  return {
    provider,
    id,
    name: artistName(id),
    picture_url: avatar(`ar:${id}`),
    album_count: albumCount(id),
  };
}

export function mockAlbum(provider: ProviderId, id: string): Album {
  const album = albumOf(provider, id);
  const artist = artistOf(provider, album.artists[0].id);
  const n = album.track_count ?? 10;
  const seed = 3 + (small(id) % 40);
  const tracks = provider === 'qq' ? qqTracks(n, seed) : makeTracks(n, seed);
  return {
    ...album,
    description:
      id === HOSTILE_ID
        ? HOSTILE_TEXT
        : `${album.name}，${artist.name} 的专辑。\n收录 ${n} 首歌曲，是 Duet 模拟后端编的。`,
    tracks: placed(tracks, album, id === LONG_ALBUM ? null : artist),
  };
}

export function mockArtist(provider: ProviderId, id: string): ArtistPage {
  const artist = artistOf(provider, id);
  const seed = 5 + (small(id) % 40);
  const top = placed(provider === 'qq' ? qqTracks(50, seed) : makeTracks(50, seed), null, artist);
  const similar = [1, 2, 3, 4, 5, 6].map((k) =>
    artistOf(
      provider,
      k === 1 && id === PROLIFIC_ARTIST ? HOSTILE_ID : String(7100 + k + (small(id) % 50)),
    ),
  );
  return {
    provider,
    id,
    name: artist.name,
    picture_url: artist.picture_url,
    description:
      id === HOSTILE_ID
        ? HOSTILE_TEXT
        : `${artist.name}，Duet 模拟后端里的歌手，有 ${albumCount(id)} 张专辑。\n第二段介绍，用来看折叠。`,
    album_count: albumCount(id),
    top_tracks: top,
    similar,
  };
}

export function mockArtistAlbums(provider: ProviderId, id: string, page: number): ArtistAlbums {
  const total = albumCount(id);
  const start = (page - 1) * PAGE_SIZE;
  const end = Math.min(total, start + PAGE_SIZE);
  const albums: Album[] = [];
  for (let n = start; n < end; n++) albums.push(albumOf(provider, artistAlbumId(id, n)));
  return {
    provider,
    artist_id: id,
    page,
    page_size: PAGE_SIZE,
    total,
    has_more: end < total,
    albums,
  };
}
