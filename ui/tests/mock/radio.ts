// Personal FM and heartbeat mode in the mock backend: batches of three from a catalogue of its
// own, each starting with the last song of the batch before (so the app's "never queue a song
// twice" is exercised), never a trashed song again; the trash calls are kept for tests to read
// (`window.__duet.radio.trashed`). QQ Music's radio (猜你喜欢) answers five at a time; its
// trash and heartbeat decline, as the Rust side does.
import type { ProviderId, Track } from '../../src/lib/bindings';
import { makeTracks, qqTracks } from './data';

const BATCH = 3;

export const radio = {
  catalogue: makeTracks(40, 7).filter((t) => t.playable && !t.vip),
  cursor: 0,
  trashed: [] as string[],
  batches: 0,
};

export const DECLINED = (provider: ProviderId, what: string) => ({
  kind: 'declined' as const,
  message: `${provider} offers no ${what} in Duet`,
});

export function fmBatch(): Track[] {
  radio.batches += 1;
  const out: Track[] = [];
  // the batch before's last song first, as a service that repeats itself would
  let at = Math.max(0, radio.cursor - 1);
  while (out.length < BATCH && at < radio.cursor + radio.catalogue.length) {
    const track = radio.catalogue[at % radio.catalogue.length];
    if (!radio.trashed.includes(track.id)) out.push(structuredClone(track));
    at += 1;
  }
  radio.cursor = at;
  return out;
}

let qqCursor = 0;
const qqRadio = qqTracks(20, 3).filter((t) => t.playable && !t.vip);
/** QQ Music's radio: the next five of its catalogue. */
export function qqRadioBatch(): Track[] {
  const out = Array.from({ length: 5 }, (_, i) =>
    structuredClone(qqRadio[(qqCursor + i) % qqRadio.length]),
  );
  qqCursor += 5;
  return out;
}

export function fmTrash(trackId: string): boolean {
  if (!radio.catalogue.some((t) => t.id === trackId)) return false;
  radio.trashed.push(trackId);
  return true;
}

/** The start song first, then songs of the catalogue's other end. */
export function heartbeat(start: Track): Track[] {
  const others = radio.catalogue.slice(-6).map((t) => ({ ...structuredClone(t), id: `9${t.id}` }));
  return [structuredClone(start), ...others];
}
