/** `survey.read`: one survey file parsed into the shared data model, in its JSON form. */
import type { SurveyRecordJson } from '../../shared/contract';
import { plainJson } from '../../shared/rpc';

/** Reads a LAMOST spectrum or Kepler/K2 light curve with every array in full. */
export async function readSurvey(path: string): Promise<SurveyRecordJson> {
  // Loaded on first use so commands that never read survey files start without the readers.
  const { readSurveyFile } = await import('../survey/index');
  return plainJson(await readSurveyFile(path)) as SurveyRecordJson;
}
