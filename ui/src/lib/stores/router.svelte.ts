// A tiny hash router: #/library, #/daily?provider=…, #/search?q=…&type=…&provider=…,
// #/playlist/<provider>/<id>, #/album/<provider>/<id>, #/artist/<provider>/<id>, #/history,
// #/listening, #/fm (personal FM), #/podcasts, #/podcast/<provider>/<id>,
// #/cloud[?provider=…] (the cloud disk).
// #/transfer/<provider>/<playlist id | liked>[?job=<id>] (moving it to the other service).
// `provider` picks the service of a search or of the daily picks;
// without it the screen uses the default one (stores/session.svelte.ts › defaultProvider).
import type { Provider, SearchType } from '../types';

export type Route =
  | { name: 'library' }
  | { name: 'daily'; provider?: Provider }
  | { name: 'search'; q: string; type: SearchType; provider?: Provider }
  | { name: 'playlist'; provider: Provider; id: string }
  | { name: 'album'; provider: Provider; id: string }
  | { name: 'artist'; provider: Provider; id: string }
  | { name: 'history' }
  | { name: 'listening' }
  | { name: 'podcasts' }
  | { name: 'podcast'; provider: Provider; id: string }
  | { name: 'fm' }
  | { name: 'cloud'; provider?: Provider }
  | { name: 'transfer'; provider: Provider; playlist: string; job?: string };

function providerParam(v: string | null): Provider | undefined {
  return v === 'netease' || v === 'qq' ? v : undefined;
}

function parse(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  switch (parts[0]) {
    case 'daily': {
      const provider = providerParam(params.get('provider'));
      return provider ? { name: 'daily', provider } : { name: 'daily' };
    }
    case 'search': {
      const type = params.get('type');
      const provider = providerParam(params.get('provider'));
      return {
        name: 'search',
        q: params.get('q') ?? '',
        type: type === 'album' || type === 'artist' || type === 'playlist' ? type : 'track',
        ...(provider ? { provider } : {}),
      };
    }
    case 'playlist':
    case 'album':
    case 'artist':
    case 'podcast':
      if ((parts[1] === 'netease' || parts[1] === 'qq') && parts[2]) {
        return { name: parts[0], provider: parts[1], id: parts[2] };
      }
      return { name: 'library' };
    case 'history':
      return { name: 'history' };
    case 'listening':
      return { name: 'listening' };
    case 'podcasts':
      return { name: 'podcasts' };
    case 'fm':
      return { name: 'fm' };
    case 'cloud': {
      const provider = providerParam(params.get('provider'));
      return provider ? { name: 'cloud', provider } : { name: 'cloud' };
    }
    case 'transfer': {
      if ((parts[1] === 'netease' || parts[1] === 'qq') && parts[2]) {
        const job = params.get('job');
        return {
          name: 'transfer',
          provider: parts[1],
          playlist: parts[2],
          ...(job ? { job } : {}),
        };
      }
      return { name: 'library' };
    }
    default:
      return { name: 'library' };
  }
}

export function href(route: Route): string {
  switch (route.name) {
    case 'library':
      return '#/library';
    case 'daily':
      return route.provider ? `#/daily?provider=${route.provider}` : '#/daily';
    case 'search': {
      const p = new URLSearchParams();
      if (route.q) p.set('q', route.q);
      if (route.type !== 'track') p.set('type', route.type);
      if (route.provider) p.set('provider', route.provider);
      const s = p.toString();
      return s ? `#/search?${s}` : '#/search';
    }
    case 'playlist':
    case 'album':
    case 'artist':
    case 'podcast':
      return `#/${route.name}/${route.provider}/${encodeURIComponent(route.id)}`;
    case 'history':
      return '#/history';
    case 'listening':
      return '#/listening';
    case 'podcasts':
      return '#/podcasts';
    case 'fm':
      return '#/fm';
    case 'cloud':
      return route.provider ? `#/cloud?provider=${route.provider}` : '#/cloud';
    case 'transfer': {
      const base = `#/transfer/${route.provider}/${encodeURIComponent(route.playlist)}`;
      return route.job ? `${base}?job=${encodeURIComponent(route.job)}` : base;
    }
  }
}

export const router = $state<{ route: Route }>({ route: parse(location.hash) });

export function navigate(route: Route, replace = false): void {
  const h = href(route);
  if (location.hash === h) {
    if (href(router.route) !== h) router.route = route;
    return;
  }
  if (replace) history.replaceState(null, '', h);
  else location.hash = h;
  router.route = route;
}

window.addEventListener('hashchange', () => {
  const next = parse(location.hash);
  // navigate() already showed it: keep the same object so nothing reloads
  if (href(next) !== href(router.route)) router.route = next;
});
