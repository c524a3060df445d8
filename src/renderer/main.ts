/** Renderer entry: connects the client (preload bridge or headless server) and mounts the app. */
import { mount } from 'svelte';
import App from './App.svelte';
import { createClient } from './client/index';
import './styles.css';

const target = document.getElementById('app')!;
try {
  mount(App, { target, props: { client: createClient() } });
} catch (err) {
  target.innerHTML = '';
  const message = document.createElement('p');
  message.className = 'error';
  message.textContent = err instanceof Error ? err.message : String(err);
  target.append(message);
}
