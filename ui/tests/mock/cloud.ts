// The mock's cloud disk (云盘): NetEase has 60 uploads (two pages), as the fake upstream's kinds
// are: the first matched to a catalogue track, one with only a file name, one with a hostile
// name; QQ Music declines, as the app does. An upload reports its progress over the channel in
// the app's order, a few steps apart, and joins the top of the listing.
import type {
  CloudPage,
  CloudTrack,
  commands,
  DuetError,
  ProviderId,
  Track,
  UploadProgress,
} from '../../src/lib/bindings';
import { realTracks } from './data';

type Commands = typeof commands;
type Answer<K extends keyof Commands> = Awaited<ReturnType<Commands[K]>>;
type CloudCommands = 'cloud_tracks' | 'cloud_search' | 'cloud_upload' | 'cloud_delete';
type Handlers = {
  [K in CloudCommands]: (...args: Parameters<Commands[K]>) => Answer<K> | Promise<Answer<K>>;
};
type Reject = (
  error: Omit<DuetError, 'message'> & { message: string },
  provider?: unknown,
) => Promise<never>;

export const CLOUD_PAGE_SIZE = 50;
export const CLOUD_HOSTILE = '<img src=x onerror="window.__pwned=1"> "; DROP TABLE --.mp3';
/** What the mock's file dialog "picks" (see `MockCloud.pick`). */
export const PICKED_FILE = 'my demo take 3.flac';

export interface MockCloud {
  /** `null`: the person closes the dialog; else the name of the file chosen. */
  pick?: string | null;
  /** Bytes of the chosen file (default 3 MiB: four progress steps of sending). */
  size?: number;
  /** The upload refused at its end, with this error (`already_exists`, …). */
  refuse?: Omit<DuetError, 'message'> & { message: string };
}

function upload(i: number, over: Partial<CloudTrack> & { title?: string } = {}): CloudTrack {
  const id = String(9_500_000_000 + i);
  const track: Track = {
    provider: 'netease',
    id,
    title: over.title ?? `Rehearsal ${i}`,
    artists: [{ id: '', name: '未知艺术家' }],
    album: { id: '', name: '未知专辑', cover_url: null },
    duration_ms: 120_000 + i * 1000,
    playable: true,
    vip: false,
  };
  return {
    track,
    file_name: `rehearsal ${i}.m4a`,
    file_size: 4_000_000 + i * 1000,
    bitrate_kbps: 256,
    uploaded_at_ms: Date.UTC(2026, 10, 30) - i * 3_600_000,
    ...over,
  };
}

function initial(): CloudTrack[] {
  const matched = { ...realTracks[0] };
  const list: CloudTrack[] = [
    {
      track: matched,
      file_name: `${matched.artists[0].name} - ${matched.title}.flac`,
      file_size: 35_678_901,
      bitrate_kbps: 1011,
      uploaded_at_ms: Date.UTC(2026, 11, 1),
      matched,
    },
    upload(1, { title: 'rehearsal 2019-03-02', file_name: 'rehearsal 2019-03-02.m4a' }),
    upload(2, { title: CLOUD_HOSTILE, file_name: CLOUD_HOSTILE }),
  ];
  for (let i = 3; i < 60; i++) list.push(upload(i));
  return list;
}

export function cloudHandlers(
  config: MockCloud,
  reject: Reject,
): Handlers & { uploads: CloudTrack[] } {
  const uploads = initial();
  const declined = (provider: ProviderId) =>
    reject({ kind: 'declined', message: `${provider} offers no cloud disk in Duet` }, provider);
  const page = (n: number): CloudPage => ({
    provider: 'netease',
    page: n,
    items: uploads.slice((n - 1) * CLOUD_PAGE_SIZE, n * CLOUD_PAGE_SIZE),
    total: uploads.length,
    has_more: n * CLOUD_PAGE_SIZE < uploads.length,
    used_bytes: uploads.reduce((sum, u) => sum + u.file_size, 0),
    capacity_bytes: 60 * 1024 ** 3,
  });
  const step = () => new Promise((r) => setTimeout(r, 60));
  return {
    uploads,
    cloud_tracks: (provider, n) => {
      if (provider === 'qq') return declined(provider);
      if (n < 1) return reject({ kind: 'bad_request', message: 'pages start at 1' }, provider);
      return page(n);
    },
    cloud_search: (provider, q) => {
      if (provider === 'qq') return declined(provider);
      const words = q.toLowerCase().split(/\s+/).filter(Boolean);
      if (!words.length) return reject({ kind: 'bad_request', message: 'no words' }, provider);
      return uploads.filter((u) => {
        const text = [
          u.track.title,
          u.track.album.name,
          u.file_name,
          ...u.track.artists.map((a) => a.name),
        ]
          .join('\u001f')
          .toLowerCase();
        return words.every((w) => text.includes(w));
      });
    },
    // the service's `cloud/del`: an id the disk does not hold is its 404
    cloud_delete: (provider, trackId) => {
      if (provider === 'qq') return declined(provider);
      const at = uploads.findIndex((u) => u.track.id === trackId);
      if (at < 0)
        return reject({ kind: 'not_found', message: 'NetEase has no such item' }, provider);
      uploads.splice(at, 1);
      return null;
    },
    cloud_upload: async (provider, onProgress) => {
      if (provider === 'qq') return declined(provider);
      const name = config.pick === undefined ? PICKED_FILE : config.pick;
      if (name === null) return null;
      const total = config.size ?? 3 * 1024 * 1024;
      const send = (p: UploadProgress) => onProgress.onmessage(p);
      send({ stage: 'checking', sent_bytes: 0, total_bytes: total });
      await step();
      if (config.refuse) return reject(config.refuse, provider);
      for (let sent = 0; ; sent = Math.min(total, sent + 1024 * 1024)) {
        send({ stage: 'sending', sent_bytes: sent, total_bytes: total });
        await step();
        if (sent === total) break;
      }
      send({ stage: 'publishing', sent_bytes: total, total_bytes: total });
      await step();
      const added = upload(1000, {
        title: name.replace(/\.[^.]+$/, ''),
        file_name: name,
        file_size: total,
        uploaded_at_ms: Date.now(),
      });
      uploads.unshift(added);
      send({ stage: 'done', sent_bytes: total, total_bytes: total });
      return added;
    },
  };
}
