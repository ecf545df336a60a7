// Who is signed in, to which services, and which screen family (login or main) is showing.
import { api, on, onSessionExpired } from '../ipc';
import type { AppInfo, DuetError, Profile, Provider, SessionStatus } from '../types';
import { errorTitle, providerName, t } from '../i18n';
import { toast } from './toasts.svelte';
import { navigate } from './router.svelte';
import { resetLibrary } from './library.svelte';
import { player, refreshPlayer } from './player.svelte';

export type Phase = 'starting' | 'login' | 'main';

export const session = $state({
  phase: 'starting' as Phase,
  info: null as AppInfo | null,
  infoError: null as DuetError | null,
  accounts: {} as Partial<Record<Provider, Profile>>,
  active: null as Provider | null,
  /** Why the login screen is showing (an expired session), shown above the QR cards. */
  loginNotice: null as DuetError | null,
  /** session_restore could not check a stored session (e.g. offline). */
  restoreError: null as DuetError | null,
});

export function providers(): Provider[] {
  return session.info?.providers?.length ? session.info.providers : ['netease'];
}

export function loggedIn(): Provider[] {
  return providers().filter((p) => session.accounts[p]);
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
    case 'expired':
      delete session.accounts[s.provider];
      session.loginNotice = s.error ?? {
        kind: 'session_expired',
        message: '',
        provider: s.provider,
      };
      break;
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
    enterMain();
    if (session.loginNotice) {
      const p = session.loginNotice.provider;
      toast(
        p ? `${providerName(p)} · ${t('login.session_expired')}` : t('login.session_expired'),
        'warn',
      );
      session.loginNotice = null;
    }
  } else {
    session.phase = 'login';
  }
}

/** A QR login was confirmed. */
export async function loggedInWith(provider: Provider, profile?: Profile): Promise<void> {
  // the same login reported twice (login-state and session-changed): once is enough
  if (session.phase === 'main' && session.active === provider && session.accounts[provider]) return;
  let p = profile;
  if (!p) {
    try {
      p = await api.profile(provider);
    } catch {
      p = { provider, user_id: '', nickname: '', avatar_url: null, vip: false };
    }
  }
  session.accounts[provider] = p;
  session.active = provider;
  session.loginNotice = null;
  session.restoreError = null;
  resetLibrary(provider);
  session.phase = 'starting';
  enterMain();
  navigate({ name: 'library' });
}

/** A session ended under us: back to the QR with the reason. */
export function expire(provider: Provider | undefined, error: DuetError): void {
  const p = provider ?? error.provider ?? session.active ?? undefined;
  if (p) {
    delete session.accounts[p];
    resetLibrary(p);
  }
  session.loginNotice = { ...error, provider: error.provider ?? p };
  player.lyricsOpen = false;
  session.active = loggedIn()[0] ?? null;
  session.phase = 'login';
}

export async function logout(provider: Provider): Promise<void> {
  try {
    await api.logout(provider);
  } catch (e) {
    const err = e as DuetError;
    toast(errorTitle(err.kind), 'error', err.message);
    return;
  }
  delete session.accounts[provider];
  resetLibrary(provider);
  session.loginNotice = null;
  session.active = loggedIn()[0] ?? null;
  if (!session.active) {
    player.lyricsOpen = false;
    session.phase = 'login';
  }
}

/** Opens the login screen to add a service while staying signed in to the others. */
export function addAccount(): void {
  session.loginNotice = null;
  session.phase = 'login';
}

export function backToMain(): void {
  if (loggedIn().length) enterMain();
}

export async function wireSessionEvents(): Promise<void> {
  onSessionExpired((error) => expire(error.provider, error));
  await on('session-changed', (s) => {
    if (s.state === 'expired') {
      expire(s.provider, s.error ?? { kind: 'session_expired', message: '', provider: s.provider });
    } else if (s.state === 'logged_out') {
      delete session.accounts[s.provider];
      resetLibrary(s.provider);
      session.active = loggedIn()[0] ?? null;
      if (!session.active) session.phase = 'login';
    } else if (s.state === 'logged_in' && s.profile) {
      const had = !!session.accounts[s.provider];
      session.accounts[s.provider] = s.profile;
      if (!had && session.phase === 'login') void loggedInWith(s.provider, s.profile);
    }
  });
}
