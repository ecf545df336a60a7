// Who is signed in, to which services, and which screen family (login or main) is showing.
// Several services can be signed in at once (NetEase and QQ Music); each one's session lives and
// ends on its own: one expiring or logging out leaves the others usable.
import { api, on, onSessionExpired } from '../ipc';
import type { AppInfo, DuetError, Profile, Provider, QrMethod, SessionStatus } from '../types';
import { errorTitle, providerName, t } from '../i18n';
import { toast } from './toasts.svelte';
import { navigate, router, type Route } from './router.svelte';
import { resetLibrary } from './library.svelte';
import { player, refreshPlayer } from './player.svelte';
import { offline, refreshOffline } from './offline.svelte';

export type Phase = 'starting' | 'login' | 'main';

export const session = $state({
  phase: 'starting' as Phase,
  info: null as AppInfo | null,
  infoError: null as DuetError | null,
  accounts: {} as Partial<Record<Provider, Profile>>,
  /** The service used where one has to be picked and the route doesn't say (search, daily). */
  active: null as Provider | null,
  /** Why the login screen is showing (an expired session), shown above the QR cards. */
  loginNotice: null as DuetError | null,
  /** session_restore could not check a stored session (e.g. offline). */
  restoreError: null as DuetError | null,
  /** The keychain is still locked after "I've unlocked it" (why, in its words). */
  keychainError: null as DuetError | null,
  keychainChecking: false,
  /** Services whose session ended while another stayed signed in: "log in again" in place. */
  expired: {} as Partial<Record<Provider, DuetError>>,
  /** A QR of this provider was confirmed with this method: its other QR cards stop. */
  confirmed: {} as Partial<Record<Provider, QrMethod>>,
  /** A QR login of this provider was refused (risk control, verification): other ways first. */
  refused: {} as Partial<Record<Provider, DuetError>>,
  /** Where to go once the login that is under way succeeds (the library when unset). */
  returnTo: null as Route | null,
});

export function providers(): Provider[] {
  return session.info?.providers?.length ? session.info.providers : ['netease'];
}

export function loggedIn(): Provider[] {
  return providers().filter((p) => session.accounts[p]);
}

/** Services the app offers that nobody is signed in to (what "add account" offers). */
export function notLoggedIn(): Provider[] {
  return providers().filter((p) => !session.accounts[p]);
}

/**
 * Whether to mark something of `provider` with its service's badge: whenever more than one
 * service is signed in, and for anything of a service that isn't the one signed in.
 */
export function markService(provider: Provider): boolean {
  const ins = loggedIn();
  return ins.length > 1 || (ins.length === 1 && ins[0] !== provider);
}

/** The service a screen without one in its route shows. */
export function defaultProvider(): Provider {
  const ins = loggedIn();
  if (session.active && ins.includes(session.active)) return session.active;
  return ins[0] ?? providers()[0];
}

function enterMain(): void {
  if (!session.active || !session.accounts[session.active]) session.active = loggedIn()[0] ?? null;
  if (session.phase !== 'main') {
    session.phase = 'main';
    void refreshPlayer();
  }
}

function applyStatus(s: SessionStatus): void {
  switch (s.state) {
    case 'logged_in':
      delete session.expired[s.provider];
      if (s.profile) session.accounts[s.provider] = s.profile;
      else
        void api
          .profile(s.provider)
          .then((p) => (session.accounts[s.provider] = p))
          .catch(() => {});
      if (!session.accounts[s.provider] && !s.profile) {
        // placeholder until the profile arrives
        session.accounts[s.provider] = {
          provider: s.provider,
          user_id: '',
          nickname: '',
          avatar_url: null,
          vip: false,
        };
      }
      break;
    case 'expired': {
      delete session.accounts[s.provider];
      const error = s.error ?? { kind: 'session_expired', message: '', provider: s.provider };
      session.loginNotice = { ...error, provider: error.provider ?? s.provider };
      session.expired[s.provider] = session.loginNotice;
      break;
    }
    case 'unavailable':
      session.restoreError = s.error ?? { kind: 'network', message: '', provider: s.provider };
      break;
    case 'logged_out':
      delete session.accounts[s.provider];
      break;
  }
}

export async function start(): Promise<void> {
  session.phase = 'starting';
  session.restoreError = null;
  const [info, restored] = await Promise.allSettled([api.appInfo(), api.sessionRestore()]);
  if (info.status === 'fulfilled') {
    session.info = info.value;
    session.infoError = null;
  } else {
    session.infoError = info.reason as DuetError;
  }
  if (restored.status === 'fulfilled') {
    for (const s of restored.value) applyStatus(s);
  } else {
    session.restoreError = restored.reason as DuetError;
  }
  if (loggedIn().length) {
    offline.unreachable = false;
    enterMain();
    // Another service is still signed in: say so, and offer "log in again" where it shows.
    if (session.loginNotice) {
      const p = session.loginNotice.provider;
      toast(
        p ? `${providerName(p)} · ${t('login.session_expired')}` : t('login.session_expired'),
        'warn',
      );
      session.loginNotice = null;
    }
  } else if (session.restoreError?.kind === 'network' && (await somethingHere())) {
    // A stored session could not be checked (no network) and music is kept on this computer:
    // open the library on what can play here (components/OfflineLibrary) rather than the login.
    offline.unreachable = true;
    enterMain();
  } else {
    session.phase = 'login';
  }
}

/** Music is kept on this computer, or offline mode is on (asks the app, not the services). */
async function somethingHere(): Promise<boolean> {
  await refreshOffline();
  return offline.mode || !!offline.status?.kept.length;
}

/** The person unlocked the keychain: look again, and restore the sessions it keeps. */
export async function retryKeychain(): Promise<void> {
  session.keychainChecking = true;
  try {
    session.info = await api.keychainRetry();
    session.keychainError = null;
    if (session.info.keychain === 'os') await start();
  } catch (e) {
    session.keychainError = e as DuetError;
  } finally {
    session.keychainChecking = false;
  }
}

/** A QR login was confirmed (or a session-changed "logged_in" arrived while on the login). */
export async function loggedInWith(provider: Provider, profile?: Profile | null): Promise<void> {
  let p = profile;
  if (!p) {
    try {
      p = await api.profile(provider);
    } catch {
      p = { provider, user_id: '', nickname: '', avatar_url: null, vip: false };
    }
  }
  const first = loggedIn().length === 0;
  session.accounts[provider] = p;
  delete session.expired[provider];
  if (first || !session.active) session.active = provider;
  session.loginNotice = null;
  session.restoreError = null;
  resetLibrary(provider);
  const to = session.returnTo;
  session.returnTo = null;
  session.phase = 'starting';
  enterMain();
  navigate(to ?? { name: 'library' });
}

/** A session ended under us: back to that service's QR with the reason; the others stay. */
export function expire(provider: Provider | null | undefined, error: DuetError): void {
  const p = provider ?? error.provider ?? session.active ?? undefined;
  const notice = { ...error, provider: error.provider ?? p };
  if (p) {
    delete session.accounts[p];
    resetLibrary(p);
    if (error.kind === 'session_expired') session.expired[p] = notice;
  }
  session.loginNotice = notice;
  session.returnTo = null;
  player.lyricsOpen = false;
  session.active = defaultActive();
  session.phase = 'login';
}

function defaultActive(): Provider | null {
  const ins = loggedIn();
  return session.active && ins.includes(session.active) ? session.active : (ins[0] ?? null);
}

/** After `provider` is signed out: leave its pages, fall back to the login when none is left. */
function signedOut(provider: Provider): void {
  delete session.accounts[provider];
  resetLibrary(provider);
  session.active = defaultActive();
  if (!session.active) {
    player.lyricsOpen = false;
    session.phase = 'login';
    return;
  }
  const r = router.route;
  if (r.name === 'playlist' && r.provider === provider) navigate({ name: 'library' }, true);
}

export async function logout(provider: Provider): Promise<void> {
  try {
    await api.logout(provider);
  } catch (e) {
    const err = e as DuetError;
    toast(errorTitle(err.kind), 'error', err.message);
    return;
  }
  session.loginNotice = null;
  delete session.expired[provider];
  signedOut(provider);
}

/**
 * Opens the login screen to add a service while staying signed in to the others (it shows only
 * the services not signed in). `returnTo`: where to come back to once signed in.
 */
export function addAccount(returnTo?: Route): void {
  session.loginNotice = null;
  session.returnTo = returnTo ?? null;
  session.phase = 'login';
}

export function backToMain(): void {
  session.returnTo = null;
  if (loggedIn().length) enterMain();
}

export async function wireSessionEvents(): Promise<void> {
  onSessionExpired((error) => expire(error.provider, error));
  await on('session_changed', (s) => {
    if (s.state === 'expired') {
      expire(s.provider, s.error ?? { kind: 'session_expired', message: '', provider: s.provider });
    } else if (s.state === 'logged_out') {
      if (session.accounts[s.provider]) signedOut(s.provider);
    } else if (s.state === 'logged_in' && s.profile) {
      if (session.phase === 'login' && !session.accounts[s.provider]) {
        void loggedInWith(s.provider, s.profile);
      } else {
        session.accounts[s.provider] = s.profile;
        delete session.expired[s.provider];
      }
    }
  });
}
