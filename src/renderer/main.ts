/** Renderer entry: connects the client (preload bridge or headless server) and mounts the app. */
import { mount } from 'svelte';
import App from './App.svelte';
import { createClient } from './client/index';
import { ProjectState } from './features/project/state.svelte';
import './styles.css';

const target = document.getElementById('app')!;
try {
  const client = createClient();
  mount(App, { target, props: { client, project: new ProjectState(client) } });
} catch (err) {
  target.innerHTML = '';
  const message = document.createElement('p');
  message.className = 'error';
  message.textContent = err instanceof Error ? err.message : String(err);
  target.append(message);
}
