// `node --import ./scripts/node-hooks/register.mjs` (after tsx): see resolve-tfjs.mjs for why.
import { register } from 'node:module';
register('./resolve-tfjs.mjs', import.meta.url);
