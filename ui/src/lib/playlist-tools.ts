// A playlist page's view: sorted and searched as you type. The same rules as
// duet_core::playlist_tools (`sorted_indices`, `matches`), which exports and duet-server use:
// kept in the page so a 10,000-track playlist re-sorts without a round trip. Change both together.
import type { SortKey, SortOrder, Track } from './bindings';

function folded(text: string): string {
  return text.trim().toLowerCase();
}

function artistText(track: Track): string {
  return track.artists.map((a) => a.name).join(' / ');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Indices of `tracks` in the view's order: stable, with empty names last either way. */
export function sortedIndices(tracks: Track[], key: SortKey, order: SortOrder): number[] {
  const indices = tracks.map((_, i) => i);
  const dir = order === 'desc' ? -1 : 1;
  if (key === 'added') return order === 'desc' ? indices.reverse() : indices;
  if (key === 'duration') {
    return indices.sort((a, b) => dir * (tracks[a].duration_ms - tracks[b].duration_ms) || a - b);
  }
  const text = (t: Track) =>
    folded(key === 'title' ? t.title : key === 'artist' ? artistText(t) : t.album.name);
  const keys = tracks.map(text);
  return indices.sort((a, b) => {
    const [ka, kb] = [keys[a], keys[b]];
    if (!ka !== !kb) return ka ? -1 : 1;
    return dir * cmp(ka, kb) || a - b;
  });
}

/** Every word of `query` is in the track's title, artists or album, without regard to case. */
export function matches(track: Track, query: string): boolean {
  const words = query.split(/\s+/).filter(Boolean).map(folded);
  if (!words.length) return true;
  const hay = folded(`${track.title}\n${artistText(track)}\n${track.album.name}`);
  return words.every((w) => hay.includes(w));
}

export const SORT_KEYS: SortKey[] = ['added', 'title', 'artist', 'album', 'duration'];
