// Worker entry of the ingest pool: hashes and parses one file per task (see read-file.ts).
import { serveTasks } from '../jobs/worker-side';
import { readCandidate, type ReadTask } from './read-file';

serveTasks((task: ReadTask) => readCandidate(task));
