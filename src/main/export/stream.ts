/** A text file written piece by piece with back-pressure (a million rows never sit in memory as one string). */
import fs from 'node:fs';

export interface TextSink {
  write(s: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens `file` for writing UTF-8 text. */
export function openTextSink(file: string): TextSink {
  const out = fs.createWriteStream(file, { encoding: 'utf8' });
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  return {
    async write(s) {
      if (!out.write(s)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    },
    async close() {
      out.end();
      await done;
    },
  };
}
