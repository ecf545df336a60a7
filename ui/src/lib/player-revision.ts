import type { PlayerState } from './types';

/**
 * Whether `next` may replace the state on screen. A command's answer can arrive after the
 * events that followed it (the player reports "playing" before the answer to `play` is read),
 * and each state the player sends carries a growing `revision`, so an older one is dropped.
 */
export function isCurrent(next: PlayerState, shown: PlayerState | null | undefined): boolean {
  return !shown || next.revision >= shown.revision;
}
