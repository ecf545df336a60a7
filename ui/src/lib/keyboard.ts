// Global shortcuts: Space play/pause, ←/→ seek ∓5 s, ↑/↓ volume, Ctrl/Cmd+←/→ previous/next,
// Ctrl/Cmd+F or "/" focus search, Escape closes the queue panel, then the lyrics view.
import { next, player, previous, seekBy, toggle, volumeBy } from './stores/player.svelte';
import { session } from './stores/session.svelte';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio', 'range', 'submit', 'reset'].includes(target.type);
  }
  return false;
}

function focusSearch(): void {
  const el = document.querySelector<HTMLInputElement>('[data-testid="search-input"]');
  if (el) {
    player.lyricsOpen = false;
    el.focus();
    el.select();
  }
}

export function onGlobalKey(e: KeyboardEvent): void {
  if (e.defaultPrevented || e.isComposing) return;
  if (session.phase !== 'main') return;
  const mod = e.ctrlKey || e.metaKey;

  if (mod && (e.key === 'f' || e.key === 'F') && !e.shiftKey && !e.altKey) {
    e.preventDefault();
    focusSearch();
    return;
  }
  if (e.key === 'Escape') {
    if (player.queueOpen) {
      e.preventDefault();
      player.queueOpen = false;
    } else if (player.lyricsOpen) {
      e.preventDefault();
      player.lyricsOpen = false;
    }
    return;
  }
  if (isTyping(e.target)) return;
  if (e.altKey) return;
  const onRange = e.target instanceof HTMLInputElement && e.target.type === 'range';
  const hasTrack = !!player.state?.track;

  switch (e.key) {
    case '/':
      if (mod) return;
      e.preventDefault();
      focusSearch();
      return;
    case ' ':
    case 'Spacebar':
      if (mod || e.shiftKey || !hasTrack) return;
      e.preventDefault();
      void toggle();
      return;
    case 'ArrowLeft':
    case 'ArrowRight': {
      if (!hasTrack || (onRange && !mod)) return;
      e.preventDefault();
      const fwd = e.key === 'ArrowRight';
      if (mod) void (fwd ? next() : previous());
      else void seekBy(fwd ? 5000 : -5000);
      return;
    }
    case 'ArrowUp':
    case 'ArrowDown':
      if (mod || onRange || !hasTrack) return;
      e.preventDefault();
      void volumeBy(e.key === 'ArrowUp' ? 0.05 : -0.05);
      return;
  }
}
