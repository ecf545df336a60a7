// The mini player's page (src-tauri/src/mini_player.rs): a third entry of the same build.
import { mount } from 'svelte';
import MiniPlayer from './lib/desktop-lyrics/MiniPlayer.svelte';
import { markPlatform } from './lib/platform';
import { applyTheme } from './lib/stores/settings.svelte';

markPlatform();
applyTheme();

export default mount(MiniPlayer, { target: document.getElementById('mini')! });
