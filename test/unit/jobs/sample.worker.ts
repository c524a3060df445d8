// Worker entry used by pool.test.ts: exercises transfer, thread identity, errors and crashes.
import { threadId } from 'node:worker_threads';
import { serveTasks } from '../../../src/main/jobs/worker-side';

type Task = { op: 'squares'; n: number } | { op: 'fail'; message: string } | { op: 'crash' } | { op: 'busy'; ms: number };

serveTasks((task: Task) => {
  switch (task.op) {
    case 'squares': {
      const values = new Float32Array(task.n);
      for (let i = 0; i < task.n; i++) values[i] = i * i;
      return { threadId, values };
    }
    case 'fail': {
      const err = new Error(task.message);
      err.name = 'SurveyError';
      throw err;
    }
    case 'crash':
      process.exit(3);
    case 'busy': {
      const end = Date.now() + task.ms;
      while (Date.now() < end) { /* spin: a CPU-bound parse */ }
      return { threadId, values: new Float32Array(0) };
    }
  }
});
