// The desktop lyrics window's page (src-tauri/src/desktop_lyrics.rs): a second entry of the same
// build, so it loads its own small component and the shared IPC chunk, not the whole app.
import { mount } from 'svelte';
import DesktopLyrics from './lib/desktop-lyrics/DesktopLyrics.svelte';
import { markPlatform } from './lib/platform';
import { applyTheme } from './lib/stores/settings.svelte';

markPlatform();
applyTheme();

export default mount(DesktopLyrics, { target: document.getElementById('lyrics')! });
