// How a refused write (a like, a playlist change) is told: a toast naming the kind in plain
// words, so the person knows whether to verify in the app, wait, or pick one of their own.
import { errorBody, errorTitle } from '../i18n';
import type { DuetError } from '../types';
import { toast } from './toasts.svelte';

export function showWriteError(error: DuetError): void {
  const tone = error.kind === 'rate_limited' || error.kind === 'not_owner' ? 'warn' : 'error';
  toast(errorTitle(error.kind), tone, errorBody(error));
}

/** A read the hearts depend on (the liked ids) failed: told once, as a warning. */
export function showReadError(error: DuetError): void {
  toast(errorTitle(error.kind), 'warn', errorBody(error));
}
