import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** Svelte 5 with TypeScript in `<script lang="ts">`; runes are on by default. */
export default {
  preprocess: vitePreprocess(),
};
