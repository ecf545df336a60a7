import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { markPlatform } from './lib/platform';

markPlatform();

const app = mount(App, { target: document.getElementById('app')! });

export default app;
