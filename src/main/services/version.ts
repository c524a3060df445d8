/** The app version, read from package.json at build time so there is one source. */
import { version } from '../../../package.json';

export const APP_VERSION: string = version;
