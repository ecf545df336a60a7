import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Tauri embeds ui/dist: relative asset paths, no network at run time, a fixed dev port. Three
// pages: the app (index.html), the desktop lyrics (lyrics.html) and the mini player (mini.html);
// the small windows load only their own component and the shared chunks, not the whole app.
export default defineConfig({
  base: './',
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: ['es2022', 'chrome105', 'safari15'],
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: { main: 'index.html', lyrics: 'lyrics.html', mini: 'mini.html' }, // relative to the root (ui/)
    },
  },
});
