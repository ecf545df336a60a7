// Realistic data for the in-page fake backend, typed against the generated bindings (the model
// of crates/duet-core/src/model.rs), so a renamed field fails `npm run check`.
// Strings come from testdata/fixtures/netease and testdata/fixtures/qqmusic where they exist;
// NetEase images are generated locally (SVG data URIs) because the tests have no network, and
// QQ Music's y.gtimg.cn covers are answered in memory by the test harness.

import lyricFixture from '../../../testdata/fixtures/netease/lyric.json';
import commentFixture from '../../../testdata/fixtures/netease/comment_music.json';
import accountFixture from '../../../testdata/fixtures/netease/user_account.json';
import userPlaylistFixture from '../../../testdata/fixtures/netease/user_playlist.json';
import playlistDetailFixture from '../../../testdata/fixtures/netease/playlist_detail.json';
import recommendFixture from '../../../testdata/fixtures/netease/recommend_songs.json';
import songDetailFixture from '../../../testdata/fixtures/netease/song_detail.json';
import cloudsearchFixture from '../../../testdata/fixtures/netease/cloudsearch_type1_songs.json';
import yrcExcerpt from '../../../testdata/fixtures/netease/lyric_new.yrc_excerpt.txt?raw';
import qqSongDetailFixture from '../../../testdata/fixtures/qqmusic/song_detail_get_song_detail_yqq.envelope.json';
import qqTrackInfoFixture from '../../../testdata/fixtures/qqmusic/trackinfo_CgiGetTrackInfo.item.json';
import qqDissFixture from '../../../testdata/fixtures/qqmusic/playlist_uniform_get_Dissinfo.envelope.json';
import qqAlbumFixture from '../../../testdata/fixtures/qqmusic/album_fcg_v8_album_detail_cp.data.json';
import qqSearchPlaylistsFixture from '../../../testdata/fixtures/qqmusic/search_desktop_body.songlist.list.json';
import qqSearchSingersFixture from '../../../testdata/fixtures/qqmusic/search_desktop_body.singer.list.json';
import type {
  Album,
  Artist,
  Comment,
  CoverColors,
  LyricLine,
  LyricWord,
  Lyrics,
  Playlist,
  Profile,
  SearchType,
  Track,
  UserRef,
} from '../../src/lib/bindings';

/** The services' own JSON, as the fixtures hold it (read, not modelled, here). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = any;

/** What one page of search results holds, for each type. */
export type SearchItem = Track | Album | Artist | Playlist;

// ---------- generated artwork ----------

export const colorsByUrl = new Map<string, CoverColors>();

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

function hslHex(h: number, s: number, l: number): string {
  s /= 100;
  l /= 100;
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  const x = (v: number) =>
    Math.round(v * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${x(f(0))}${x(f(8))}${x(f(4))}`;
}

/** A deterministic piece of "album art" for `seed`. */
export function art(seed: string): string {
  const h = hash(seed);
  const hue = h % 360;
  const hue2 = (hue + 40 + ((h >> 9) % 80)) % 360;
  const style = (h >> 4) % 4;
  const c1 = hslHex(hue, 62, 58);
  const c2 = hslHex(hue2, 58, 36);
  const c3 = hslHex((hue + 180) % 360, 70, 72);
  let shapes = '';
  if (style === 0) {
    shapes = `<circle cx="70" cy="62" r="34" fill="${c3}" opacity=".85"/><circle cx="40" cy="120" r="60" fill="#fff" opacity=".12"/>`;
  } else if (style === 1) {
    for (let i = 0; i < 6; i++)
      shapes += `<rect x="0" y="${20 + i * 24}" width="200" height="10" fill="#fff" opacity="${0.06 + i * 0.03}"/>`;
    shapes += `<circle cx="140" cy="140" r="44" fill="${c3}" opacity=".8"/>`;
  } else if (style === 2) {
    shapes = `<path d="M0 150 Q50 90 100 140 T200 120 V200 H0z" fill="${c3}" opacity=".55"/><path d="M0 170 Q60 130 120 165 T200 150 V200 H0z" fill="#000" opacity=".18"/><circle cx="150" cy="55" r="22" fill="#fff" opacity=".8"/>`;
  } else {
    shapes = `<rect x="44" y="44" width="112" height="112" rx="6" fill="none" stroke="#fff" stroke-width="3" opacity=".5" transform="rotate(${h % 45} 100 100)"/><circle cx="100" cy="100" r="26" fill="${c3}" opacity=".9"/>`;
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${c1}"/><stop offset="1" stop-color="${c2}"/></linearGradient></defs><rect width="200" height="200" fill="url(#g)"/>${shapes}</svg>`;
  const url = `data:image/svg+xml,${encodeURIComponent(svg)}`;
  colorsByUrl.set(url, {
    background: hslHex(hue2, 45, 16),
    accent: hslHex(hue, 55, 42),
    text: '#ffffff',
  });
  return url;
}

export function avatar(seed: string): string {
  const h = hash(seed) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" fill="${hslHex(h, 55, 62)}"/><circle cx="50" cy="40" r="18" fill="#fff" opacity=".9"/><ellipse cx="50" cy="92" rx="32" ry="24" fill="#fff" opacity=".9"/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

// ---------- tracks ----------

function fromNetease(s: Raw, extra: Partial<Track> = {}): Track {
  const al = s.al ?? s.album;
  const ar = s.ar ?? s.artists ?? [];
  return {
    provider: 'netease',
    id: String(s.id),
    title: s.name,
    artists: ar.map((a: Raw) => ({ id: String(a.id), name: a.name })),
    album: { id: String(al.id), name: al.name, cover_url: art(`al:${al.id}`) },
    duration_ms: s.dt ?? s.duration ?? 200000,
    playable: true,
    vip: s.fee === 1,
    ...extra,
  };
}

const POOL: [string, string, string, number][] = [
  ['晴天', '周杰伦', '叶惠美', 269000],
  ['稻香', '周杰伦', '魔杰座', 223000],
  ['后来', '刘若英', '我等你', 341000],
  ['红豆', '王菲', '唱游', 251000],
  ['夜空中最亮的星', '逃跑计划', '世界', 252000],
  ['平凡之路', '朴树', '猎户星座', 301000],
  ['光年之外', 'G.E.M.邓紫棋', '光年之外', 235000],
  ['起风了', '买辣椒也用券', '起风了', 325000],
  ['Someone Like You', 'Adele', '21', 285000],
  ['Yellow', 'Coldplay', 'Parachutes', 266000],
  ['Lemon', '米津玄師', 'Lemon', 255000],
  ['夜に駆ける', 'YOASOBI', 'THE BOOK', 261000],
  ['Shape of You', 'Ed Sheeran', '÷', 233000],
  ['River Flows in You', 'Yiruma', 'First Love', 190000],
  ['十年', '陈奕迅', '黑·白·灰', 205000],
  ['富士山下', '陈奕迅', 'What’s Going On…?', 259000],
];

export function poolTrack(i: number, extra: Partial<Track> = {}): Track {
  const [title, artist, album, dur] = POOL[i % POOL.length];
  const alId = 9000 + (i % POOL.length);
  return {
    provider: 'netease',
    id: String(1_900_000 + i),
    title,
    artists: [{ id: String(8000 + (i % POOL.length)), name: artist }],
    album: { id: String(alId), name: album, cover_url: art(`al:${alId}`) },
    duration_ms: dur,
    playable: true,
    vip: false,
    ...extra,
  };
}

export const realTracks: Track[] = [
  ...playlistDetailFixture.playlist.tracks.map((s: Raw) => fromNetease(s)),
  ...recommendFixture.data.dailySongs.map((s: Raw) => fromNetease(s)),
  ...songDetailFixture.songs.map((s: Raw) => fromNetease(s)),
  ...cloudsearchFixture.result.songs.map((s: Raw) => fromNetease(s)),
];

/** A playlist's tracks: real ones first, then the pool; with grey and VIP tracks sprinkled in. */
export function makeTracks(n: number, seed = 0): Track[] {
  const out: Track[] = [];
  for (let i = 0; i < n; i++) {
    let t =
      i < realTracks.length && seed === 0
        ? { ...realTracks[i] }
        : poolTrack(i + seed, { id: String(2_000_000 + seed * 100_000 + i) });
    if (i % 11 === 4) {
      t = { ...t, playable: false, unavailable_reason: '暂无版权' };
    } else if (i % 7 === 2) {
      t = { ...t, vip: true, trial: { start_ms: 60_000, end_ms: 90_000 } };
    }
    if (n >= 1000 && i === n - 1) t = { ...t, title: `The Last Song #${n}` };
    out.push(t);
  }
  return out;
}

// ---------- profile, playlists ----------

const acc: Raw = accountFixture.profile;
export const profile: Profile = {
  provider: 'netease',
  user_id: String(acc.userId),
  nickname: acc.nickname,
  avatar_url: avatar(acc.nickname),
  vip: acc.vipType > 0,
};

const fixtureLists: Playlist[] = userPlaylistFixture.playlist.map((p: Raw) => ({
  provider: 'netease',
  id: String(p.id),
  name: p.name,
  cover_url: art(`pl:${p.id}`),
  creator: { id: String(p.creator.userId), name: p.creator.nickname },
  track_count: p.trackCount,
  ...(p.description ? { description: p.description } : {}),
  liked: p.specialType === 5,
}));

const pd: Raw = playlistDetailFixture.playlist;
const MORE: [string, string, number, string?][] = [
  [String(pd.id), pd.name, pd.trackCount, pd.description],
  ['705619441', '深夜 · 适合一个人听的歌', 48],
  ['2829883282', 'Lo-fi beats to relax to', 120],
  ['3136952023', '私人雷达 | 根据听歌记录为你打造', 30],
  ['988690134', '华语经典 · 90 年代', 200],
  ['5059661515', 'City Pop 夏日漫游', 64],
  ['24381617', '跑步时听 · 160 BPM', 86],
  ['10000', '一万首 · The 10,000 Track Test', 10000],
];

export const playlists: Playlist[] = [
  ...fixtureLists,
  ...MORE.map(([id, name, count, description]): Playlist => ({
    provider: 'netease',
    id,
    name,
    cover_url: art(`pl:${id}`),
    creator: { id: String(acc.userId), name: acc.nickname },
    track_count: count,
    ...(description ? { description } : {}),
    liked: false,
  })),
];

// ---------- lyrics ----------

function parseLrc(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const raw of (text || '').split('\n')) {
    const m = [...raw.matchAll(/\[(\d+):(\d+(?:\.\d+)?)\]/g)];
    if (!m.length) continue;
    const body = raw.replace(/\[[^\]]*\]/g, '').trim();
    for (const x of m) out.set(Math.round((Number(x[1]) * 60 + Number(x[2])) * 1000), body);
  }
  return out;
}

export function fixtureLyrics(trackId: string): Lyrics {
  const main = parseLrc(lyricFixture.lrc.lyric);
  const tr = parseLrc(lyricFixture.tlyric.lyric);
  const ro = parseLrc(lyricFixture.romalrc.lyric);
  const lines = [...main.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([start_ms, text]) => {
      const l: LyricLine = { start_ms, text };
      if (tr.get(start_ms)) l.translation = tr.get(start_ms);
      if (ro.get(start_ms)) l.romanized = ro.get(start_ms);
      return l;
    });
  return { provider: 'netease', track_id: trackId, instrumental: false, lines };
}

/** Word-timed lines (NetEase "yrc"): the fixture's excerpt, then a few more in the same format. */
export function wordLyrics(trackId: string): Lyrics {
  const extra = [
    '[16210,3460](16210,670,0)还(16880,410,0)没(17290,590,0)好(17880,600,0)好(18480,1190,0)地',
    '[19670,4200](19670,700,0)感(20370,600,0)受(20970,800,0)雪(21770,700,0)花(22470,1400,0)绽放',
    '[23870,3800](23870,900,0)Hold (24770,800,0)me (25570,900,0)close(26470,1200,0)r',
    '[27670,4000](27670,1000,0)就(28670,1000,0)像(29670,1000,0)风(30670,1000,0)一样',
  ];
  const lines: LyricLine[] = [];
  for (const raw of [...yrcExcerpt.split('\n'), ...extra]) {
    const s = raw.trim();
    if (!s) continue;
    if (s.startsWith('{')) {
      const j = JSON.parse(s);
      lines.push({ start_ms: j.t, text: j.c.map((c: Raw) => c.tx).join('') });
      continue;
    }
    const head = s.match(/^\[(\d+),(\d+)\]/);
    if (!head) continue;
    const words: LyricWord[] = [...s.matchAll(/\((\d+),(\d+),\d+\)([^(]*)/g)].map((m) => ({
      start_ms: Number(m[1]),
      duration_ms: Number(m[2]),
      text: m[3],
    }));
    if (!words.length || words.some((w) => w.text.endsWith('...'))) continue;
    lines.push({ start_ms: Number(head[1]), text: words.map((w) => w.text).join(''), words });
  }
  lines.sort((a, b) => a.start_ms - b.start_ms);
  return { provider: 'netease', track_id: trackId, instrumental: false, lines };
}

// ---------- comments ----------

function fromNeteaseComment(c: Raw): Comment {
  const out: Comment = {
    id: String(c.commentId),
    user: { id: String(c.user.userId), name: c.user.nickname, avatar_url: avatar(c.user.nickname) },
    content: c.content,
    time_ms: c.time,
    liked_count: c.likedCount,
  };
  if (c.beReplied?.length) {
    const r = c.beReplied[0];
    out.replied_to = {
      id: `r${c.commentId}`,
      user: { id: String(r.user.userId), name: r.user.nickname },
      content: r.content,
      time_ms: c.time,
      liked_count: 0,
    };
  }
  return out;
}

export const hotComments = commentFixture.hotComments.map(fromNeteaseComment);
export const recentComments = commentFixture.comments.map(fromNeteaseComment);

const CHATTER = [
  '单曲循环了一整个下午。',
  'Still gives me chills every single time.',
  '高三的时候每天晚自习都在听，现在已经工作三年了。',
  '前奏一响就知道是这首',
  'This bridge is unreal 🎧',
  '好听到哭，谁懂',
];

export function moreComments(page: number, size: number): Comment[] {
  const out: Comment[] = [];
  for (let i = 0; i < size; i++) {
    const n = page * 100 + i;
    out.push({
      id: `gen-${n}`,
      user: { id: String(5000 + n), name: `听众${n}`, avatar_url: avatar(`u${n}`) },
      content: CHATTER[n % CHATTER.length],
      time_ms: Date.now() - n * 3_600_000,
      liked_count: (n * 37) % 500,
    });
  }
  return out;
}

// ---------- search ----------

export function searchItems(
  type: SearchType,
  q: string,
  page: number,
  size: number,
  total: number,
): SearchItem[] {
  const start = (page - 1) * size;
  const n = Math.max(0, Math.min(size, total - start));
  const items: SearchItem[] = [];
  for (let i = 0; i < n; i++) {
    const k = start + i;
    if (type === 'track') {
      items.push(
        k < 2
          ? { ...realTracks[4 + k] }
          : poolTrack(k, { id: String(3_000_000 + k), ...(k % 9 === 3 ? { vip: true } : {}) }),
      );
    } else if (type === 'album') {
      const [, artist, album] = POOL[k % POOL.length];
      items.push({
        provider: 'netease',
        id: String(7000 + k),
        name:
          k < 2
            ? ['拾', '搁浅'][k]
            : `${album}${k >= POOL.length ? ` (${Math.floor(k / POOL.length) + 1})` : ''}`,
        cover_url: art(`sa:${k}`),
        artists: [{ id: String(100 + k), name: k < 2 ? '张杰' : artist }],
        track_count: 8 + (k % 6),
        published_at_ms: Date.UTC(2000 + (k % 24), k % 12, 1),
      });
    } else if (type === 'artist') {
      const [, artist] = POOL[k % POOL.length];
      items.push({
        provider: 'netease',
        id: String(6000 + k),
        name:
          k < 2
            ? ['张杰', '搁浅'][k]
            : `${artist}${k >= POOL.length ? ` ${Math.floor(k / POOL.length) + 1}` : ''}`,
        picture_url: avatar(`ar:${k}`),
        album_count: k < 2 ? [71, 2][k] : 3 + (k % 20),
      });
    } else {
      items.push({
        provider: 'netease',
        id: String(8_800_000 + k),
        name:
          k < 2
            ? ['死亡搁浅官方歌单Death Stranding:Timefall', '死亡搁浅｜游戏中实际出现的歌单'][k]
            : `${q} · 精选歌单 ${k + 1}`,
        cover_url: art(`sp:${k}`),
        creator: { id: String(900 + k), name: `用户${900 + k}` },
        track_count: k < 2 ? [69, 26][k] : 20 + k,
      });
    }
  }
  return items;
}

// ---------- QQ Music ----------
// Shaped as the Rust side maps QQ Music (provider "qq"): track ids are songmids (14 chars), covers
// are y.gtimg.cn URLs (the tests serve those from memory, see helpers.mjs › QQ_IMAGE_HOSTS).
// Songs, playlists and artists come from testdata/fixtures/qqmusic where they exist.

export function qqCover(albumMid: string, size = 300): string {
  return `https://y.gtimg.cn/music/photo_new/T002R${size}x${size}M000${albumMid}.jpg?max_age=2592000`;
}

/** A plausible 14-character songmid/albummid for generated entries. */
function qqMid(seed: string): string {
  const abc = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let h = hash(`qq:${seed}`);
  let out = '00';
  for (let i = 0; i < 12; i++) {
    out += abc[h % abc.length];
    h = Math.imul(h ^ (h >>> 13), 2654435761) >>> 0;
  }
  return out;
}

function fromQq(t: Raw): Track {
  const vip = t.pay?.pay_play === 1;
  const out: Track = {
    provider: 'qq',
    id: t.mid,
    title: t.name,
    artists: t.singer.map((s: Raw) => ({ id: s.mid, name: s.name })),
    album: { id: t.album.mid, name: t.album.name, cover_url: qqCover(t.album.mid) },
    duration_ms: t.interval * 1000,
    playable: true,
    vip,
  };
  if (vip && t.file?.try_end > t.file?.try_begin)
    out.trial = { start_ms: t.file.try_begin, end_ms: t.file.try_end };
  return out;
}

const qqDiss: Raw = qqDissFixture.req.data;

export const qqRealTracks: Track[] = [
  fromQq(qqSongDetailFixture.req_0.data.track_info),
  ...qqTrackInfoFixture.data.tracks.map(fromQq),
  ...qqDiss.songlist.map(fromQq),
  ...qqAlbumFixture.getSongInfo.map(fromQq),
];

const QQ_POOL: [string, string, string, number][] = [
  ['七里香', '周杰伦', '七里香', 299000],
  ['告白气球', '周杰伦', '周杰伦的床边故事', 215000],
  ['孤勇者', '陈奕迅', '孤勇者', 256000],
  ['句号', 'G.E.M.邓紫棋', '启示录', 235000],
  ['年少有为', '李荣浩', '耳朵', 279000],
  ['山丘', '李宗盛', '山丘', 354000],
  ['小幸运', '田馥甄', '我的少女时代 电影原声带', 265000],
  ['漠河舞厅', '柳爽', '漠河舞厅·2022', 243000],
  ['成都', '赵雷', '无法长大', 328000],
  ['Mojito', '周杰伦', 'Mojito', 185000],
];

export function qqPoolTrack(i: number, extra: Partial<Track> = {}): Track {
  const [title, artist, album, dur] = QQ_POOL[i % QQ_POOL.length];
  const alMid = qqMid(`al:${album}`);
  return {
    provider: 'qq',
    id: qqMid(`song:${i}`),
    title,
    artists: [{ id: qqMid(`ar:${artist}`), name: artist }],
    album: { id: alMid, name: album, cover_url: qqCover(alMid) },
    duration_ms: dur,
    playable: true,
    vip: false,
    ...extra,
  };
}

/** QQ tracks: the fixtures' songs first, then the pool; a grey and a trial one sprinkled in. */
export function qqTracks(n: number, seed = 0): Track[] {
  const out: Track[] = [];
  for (let i = 0; i < n; i++) {
    let t =
      i < qqRealTracks.length && seed === 0
        ? { ...qqRealTracks[i] }
        : qqPoolTrack(i + seed * 7, { id: qqMid(`song:${seed}:${i}`) });
    if (i % 9 === 6) t = { ...t, playable: false, unavailable_reason: '应版权方要求暂不能播放' };
    out.push(t);
  }
  return out;
}

export const qqProfile: Profile = {
  provider: 'qq',
  user_id: '2530713361',
  nickname: '晚风与海',
  avatar_url: 'https://thirdqq.qlogo.cn/g?b=sdk&k=Dq3ZibcQxw9rGm0RkQ5ribOA&s=140',
  vip: true,
};

const qqOwner: UserRef = {
  id: qqProfile.user_id,
  name: qqProfile.nickname,
  avatar_url: qqProfile.avatar_url,
};

/**
 * The QQ user's playlists as the service lists them: created ones first, then "我喜欢" (liked,
 * from the profile's `mymusic`), then collected ones. The UI puts the liked one first.
 */
export const qqPlaylists: Playlist[] = [
  {
    provider: 'qq',
    id: '8205593127',
    name: '通勤路上 · 耳机里的城市',
    cover_url: qqCover('000MkMni19ClKG'),
    creator: qqOwner,
    track_count: 42,
  },
  {
    provider: 'qq',
    id: '7764021958',
    name: '周末咖啡馆',
    cover_url: qqCover('002ZTAeN4Z4GU1'),
    creator: qqOwner,
    track_count: 27,
  },
  {
    provider: 'qq',
    id: 'liked',
    name: '我喜欢',
    cover_url: 'https://y.gtimg.cn/mediastyle/y/img/cover_love_300.jpg',
    creator: qqOwner,
    track_count: 318,
    liked: true,
  },
  {
    provider: 'qq',
    id: String(qqDiss.dirinfo.id),
    name: qqDiss.dirinfo.title,
    cover_url: qqDiss.dirinfo.picurl.replace(/^http:/, 'https:'),
    creator: { id: String(qqDiss.dirinfo.creator.musicid), name: qqDiss.dirinfo.creator.nick },
    track_count: qqDiss.dirinfo.songnum,
    description: qqDiss.dirinfo.desc,
  },
  ...qqSearchPlaylistsFixture.map((p: Raw): Playlist => ({
    provider: 'qq',
    id: p.dissid,
    name: p.dissname,
    cover_url: p.imgurl.replace(/^http:/, 'https:'),
    creator: { id: p.creator.creator_uin, name: p.creator.name },
    track_count: p.song_count,
  })),
];

/** Word-timed QQ lyrics (QRC) with translation and romanisation, as the Lyrics model carries them. */
export function qqLyrics(trackId: string): Lyrics {
  const src: [string, string, string][] = [
    [
      '夜明けの街をひとり歩いた',
      'I walked the dawn-lit town alone',
      'yoake no machi wo hitori aruita',
    ],
    [
      '消えそうな星を数えながら',
      'Counting the stars about to fade',
      'kiesou na hoshi wo kazoe nagara',
    ],
    ['君の声がまだ聞こえる', 'I can still hear your voice', 'kimi no koe ga mada kikoeru'],
    ['遠い遠い夏の向こうで', 'Far, far beyond that summer', 'tooi tooi natsu no mukou de'],
    ['忘れないよ', 'I won’t forget', 'wasurenai yo'],
    ['この歌が終わっても', 'Even after this song ends', 'kono uta ga owattemo'],
  ];
  let at = 12_000;
  const lines: LyricLine[] = src.map(([text, translation, romanized]) => {
    const chars = [...text];
    const step = 360;
    const words = chars.map((c, i) => ({ start_ms: at + i * step, duration_ms: step, text: c }));
    const line = { start_ms: at, text, translation, romanized, words };
    at += chars.length * step + 1600;
    return line;
  });
  return { provider: 'qq', track_id: trackId, instrumental: false, lines };
}

// comments: QQ's CmId-style ids (the ones `reply_to` names)
const QQ_USERS = ['夏天的风', '一只鹿', 'Mia', '周末不加班', '阿拉斯加海湾', '小满'];
const QQ_LINES = [
  '从初中听到现在，还是会被前奏击中。',
  '每次循环到这首都会停下来听完。',
  '这首歌陪我度过了整个高三。',
  'Live 版更好听，有人同意吗？',
  '听着听着就想起了那年夏天。',
  '歌词写得太好了，每一句都是故事。',
];
export function qqComment(n: number, extra: Partial<Comment> = {}): Comment {
  const name = QQ_USERS[n % QQ_USERS.length];
  return {
    id: `qq_cm_${(1_000_000 + n * 7919).toString(36)}`,
    user: { id: String(6_000_000 + n), name, avatar_url: avatar(`qq:${name}`) },
    content: QQ_LINES[n % QQ_LINES.length],
    time_ms: Date.now() - (n + 1) * 5_400_000,
    liked_count: (n * 131) % 2000,
    ...extra,
  };
}
export const qqHotComments = [
  qqComment(0, { liked_count: 12840 }),
  qqComment(1, { liked_count: 9311 }),
];
export function qqRecentComments(page: number, size: number): Comment[] {
  const out: Comment[] = [];
  for (let i = 0; i < size; i++) out.push(qqComment(10 + (page - 1) * size + i));
  return out;
}

export function qqSearchItems(
  type: SearchType,
  q: string,
  page: number,
  size: number,
  total: number,
): SearchItem[] {
  const start = (page - 1) * size;
  const n = Math.max(0, Math.min(size, total - start));
  const items: SearchItem[] = [];
  for (let i = 0; i < n; i++) {
    const k = start + i;
    if (type === 'track') {
      items.push(
        k < qqRealTracks.length
          ? { ...qqRealTracks[k] }
          : qqPoolTrack(k, { id: qqMid(`search:${k}`) }),
      );
    } else if (type === 'album') {
      const [, artist, album] = QQ_POOL[k % QQ_POOL.length];
      const mid = qqMid(`al:${album}:${k}`);
      items.push({
        provider: 'qq',
        id: mid,
        name: album,
        cover_url: qqCover(mid),
        artists: [{ id: qqMid(`ar:${artist}`), name: artist }],
        track_count: 6 + (k % 8),
        published_at_ms: Date.UTC(2005 + (k % 19), k % 12, 1),
      });
    } else if (type === 'artist') {
      const s: Raw = qqSearchSingersFixture[k % qqSearchSingersFixture.length];
      items.push({
        provider: 'qq',
        id: s.singerMID,
        name:
          k < qqSearchSingersFixture.length
            ? s.singerName
            : `${s.singerName} ${Math.floor(k / qqSearchSingersFixture.length) + 1}`,
        picture_url: s.singerPic.replace(/^http:/, 'https:'),
        album_count: s.albumNum,
      });
    } else {
      const p: Raw = qqSearchPlaylistsFixture[k % qqSearchPlaylistsFixture.length];
      items.push({
        provider: 'qq',
        id: k < qqSearchPlaylistsFixture.length ? p.dissid : String(9_000_000_000 + k),
        name: k < qqSearchPlaylistsFixture.length ? p.dissname : `${q} · 歌单 ${k + 1}`,
        cover_url: p.imgurl.replace(/^http:/, 'https:'),
        creator: { id: p.creator.creator_uin, name: p.creator.name },
        track_count: p.song_count,
      });
    }
  }
  return items;
}
