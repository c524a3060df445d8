/**
 * A project's saved session: what the user was looking at when they left, kept in the project
 * folder (`session.json`) so reopening the project, or reloading the page, puts the map back as it
 * was. Star sets are stored as star ids, not layout rows, so they survive re-embedding the project
 * (rows shift when stars are added).
 */

import type { MapClassifyResult } from './contract';

/** The session file format this app writes and reads; a file of another version is reported, not guessed at. */
export const SESSION_VERSION = 1;

/** The session file's name inside the project folder. */
export const SESSION_FILE = 'session.json';

/** How a numeric colour column maps to the colour bar. */
export interface ColourScale {
  /** 'log': log10 of the values (values ≤ 0 count as missing). */
  kind: 'linear' | 'log';
  /** Colour-bar limits in the column's units (before the log); null: the 2nd–98th percentile. */
  range: [number, number] | null;
}

/** A named selection of stars. */
export interface SavedSubset {
  name: string;
  starIds: string[];
}

/** The map's view: the data point at the canvas centre and deck.gl's zoom (log2 pixels per unit). */
export interface SavedView {
  target: [number, number];
  zoom: number;
}

/** The Map screen's part of the session. */
export interface MapSession {
  /** The embedding chosen in the picker. */
  embedding: string | null;
  /** The embedding whose UMAP was on show (restored from the project's layout cache), or null. */
  layout: string | null;
  /** The colouring: a column id of `map.columns` and its scale; null when uncoloured. */
  colour: { column: string; scale: ColourScale } | null;
  view: SavedView | null;
  subsets: SavedSubset[];
  /** The current selection, or null when nothing is selected. */
  selection: string[] | null;
  /**
   * The classifier result on show (`map.classify`'s answer: accuracy, confusion matrix and the
   * derived column ids it wrote; the column values themselves live in `<project>/map/columns`).
   */
  classification: MapClassifyResult | null;
}

/** The whole file. */
export interface SavedSession {
  version: typeof SESSION_VERSION;
  /** ISO time of the save (set by the services). */
  savedAt: string;
  map: MapSession;
}

/** What `session.load` answers: the session (null when none or unreadable) and why it could not be used. */
export interface SessionLoadResult {
  /** The session file's path. */
  path: string;
  session: SavedSession | null;
  /** A message naming the file and the problem (corrupt JSON, other version, bad field); null when fine or absent. */
  problem: string | null;
}

/** A project the user opened before (newest first in `app.recentProjects`). */
export interface RecentProject {
  dir: string;
  openedAt: string;
  /** Whether the folder still holds a project. */
  exists: boolean;
}

/** An empty map session (a project opened for the first time). */
export function emptyMapSession(): MapSession {
  return { embedding: null, layout: null, colour: null, view: null, subsets: [], selection: null, classification: null };
}
