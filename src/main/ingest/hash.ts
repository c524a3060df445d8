/** Content hashes that decide whether a file whose size or mtime changed really changed. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';

/** SHA-256 of the whole file, hex (streamed, so memory stays flat for large files). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
