/** Worker entry: generates the files of one star per task (see star-files.ts). */
import { serveTasks } from '../jobs/worker-side';
import { generateStarFiles, type StarTask } from './star-files';

serveTasks((task: StarTask) => generateStarFiles(task));
