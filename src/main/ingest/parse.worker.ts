// Worker entry of the ingest pool: hashes and parses one file per task (see read-file.ts).
import { serveTasks } from '../jobs/worker-side';
import { readCandidate } from './read-file';

serveTasks((file: string) => readCandidate(file));
