/** `survey.read`: one survey file parsed into the shared data model, in its JSON form. */
import type { SurveyRecordJson } from '../../shared/contract';
import { jsonify } from '../../shared/rpc';
import { readSurveyFile } from '../survey/index';

/** Reads a LAMOST spectrum or Kepler/K2 light curve with every array in full. */
export async function readSurvey(path: string): Promise<SurveyRecordJson> {
  return jsonify(await readSurveyFile(path)) as SurveyRecordJson;
}
