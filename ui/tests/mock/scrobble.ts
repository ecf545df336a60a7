// The scrobbling commands as the app answers them (src-tauri/src/commands/scrobble.rs over
// duet-scrobble): an in-page Last.fm and ListenBrainz account state, with the same refusals
// (a malformed API account, approving before the page was opened, an unknown token).

import type {
  commands,
  DuetError,
  ScrobbleService,
  ScrobbleStatus,
  ServiceStatus,
} from '../../src/lib/bindings';

type Commands = typeof commands;
type Answer<K extends keyof Commands> = Awaited<ReturnType<Commands[K]>>;
type ScrobbleCommand =
  | 'scrobble_status'
  | 'scrobble_lastfm_api_account'
  | 'scrobble_lastfm_connect'
  | 'scrobble_lastfm_finish'
  | 'scrobble_listenbrainz_connect'
  | 'scrobble_disconnect';
type ScrobbleHandlers = {
  [K in ScrobbleCommand]: (...args: Parameters<Commands[K]>) => Answer<K> | Promise<Answer<K>>;
};

/** What a test sets in `__DUET_MOCK__.scrobble`. */
export interface MockScrobble {
  /** A Last.fm API account is known (pasted before, or built in). */
  apiAccount?: boolean;
  /** Connected accounts at start, by service. */
  connected?: Partial<Record<ScrobbleService, string>>;
  /** Plays waiting, by service. */
  queued?: Partial<Record<ScrobbleService, number>>;
  lastError?: Partial<Record<ScrobbleService, string>>;
  needsReconnect?: Partial<Record<ScrobbleService, boolean>>;
}

/** The ListenBrainz token the mock accepts (the fake upstream's own). */
export const MOCK_LISTENBRAINZ_TOKEN = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
/** The account name both mock services answer with. */
export const MOCK_SCROBBLE_USER = 'duet-listener';

export function scrobbleMock(
  cfg: MockScrobble,
  reject: (error: Omit<DuetError, 'provider'>) => Promise<never>,
): ScrobbleHandlers {
  let apiAccount = cfg.apiAccount ?? false;
  let pendingToken: string | null = null;
  let approvals = 0;
  const services = {} as Record<ScrobbleService, ServiceStatus>;
  for (const service of ['lastfm', 'listenbrainz'] as const) {
    const user = cfg.connected?.[service] ?? null;
    services[service] = {
      service,
      enabled: false,
      connected: user !== null,
      user_name: user,
      queued: cfg.queued?.[service] ?? 0,
      last_error: cfg.lastError?.[service] ?? null,
      needs_reconnect: cfg.needsReconnect?.[service] ?? false,
    };
  }
  const status = (): ScrobbleStatus => ({
    lastfm: { ...services.lastfm },
    listenbrainz: { ...services.listenbrainz },
    lastfm_api_account: apiAccount,
    lastfm_api_account_built_in: false,
    lastfm_approval_pending: pendingToken !== null,
    keychain_problem: null,
  });
  const connect = (service: ScrobbleService) => {
    services[service] = {
      ...services[service],
      connected: true,
      user_name: MOCK_SCROBBLE_USER,
      needs_reconnect: false,
      last_error: null,
    };
  };
  const hex32 = (s: string) => /^[0-9a-f]{32}$/i.test(s.trim());
  return {
    scrobble_status: () => status(),
    scrobble_lastfm_api_account: (apiKey, apiSecret) => {
      if (!hex32(apiKey) || !hex32(apiSecret))
        return reject({
          kind: 'bad_request',
          message:
            'a Last.fm API key and secret are 32 letters and digits each: copy them from last.fm/api/accounts',
        });
      apiAccount = true;
      return status();
    },
    scrobble_lastfm_connect: () => {
      if (!apiAccount)
        return reject({ kind: 'bad_request', message: 'paste a Last.fm API key first' });
      approvals += 1;
      pendingToken = `token${approvals}`;
      return {
        url: `https://www.last.fm/api/auth/?api_key=0123456789abcdef0123456789abcdef&token=${pendingToken}`,
      };
    },
    scrobble_lastfm_finish: () => {
      if (pendingToken === null)
        return reject({
          kind: 'bad_request',
          message: 'connect Last.fm first: no approval page was opened',
        });
      pendingToken = null;
      connect('lastfm');
      return status();
    },
    scrobble_listenbrainz_connect: (token) => {
      if (token.trim() !== MOCK_LISTENBRAINZ_TOKEN)
        return reject({
          kind: 'bad_request',
          message:
            'ListenBrainz does not know this token: copy it again from your ListenBrainz settings page',
        });
      connect('listenbrainz');
      return status();
    },
    scrobble_disconnect: (service) => {
      services[service] = {
        ...services[service],
        connected: false,
        user_name: null,
        queued: 0,
        last_error: null,
        needs_reconnect: false,
      };
      if (service === 'lastfm') pendingToken = null;
      return status();
    },
  };
}
