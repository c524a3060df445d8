/**
 * Every `desa` command, in the order `desa --help` lists them. To add one: write
 * commands/<name>.ts exporting `defineCommand({...})` as default, and add it here.
 */
import type { CliCommand } from '../registry';
import importCheckpoint from './import-checkpoint';
import info from './info';
import ingest from './ingest';
import preprocess from './preprocess';
import read from './read';
import serve from './serve';
import status from './status';
import synth from './synth';
import train from './train';
import embed from './embed';
import demo from './demo';

export const COMMANDS: readonly CliCommand[] = [info, read, ingest, status, serve, synth, preprocess, importCheckpoint, train, embed, demo];
