import { ConfigError, type AppConfig } from '../config';
import { JOB_NAME, scheduleVariableOf, type JobDefinition } from '../common/jobs';
import { cronProblem } from '../common/cron';
import type { CatalogEntry } from '../modules/jobs';

/** A definition with the schedule in force. */
export interface RegisteredJob {
  definition: JobDefinition<any>;
  entry: CatalogEntry;
}

/**
 * Checks the manifests' jobs and applies JOB_SCHEDULE_<JOB>: a unique valid name, a valid default cron, and no
 * schedule variable that names no job (a typo would otherwise silently keep the default).
 */
export function registerJobs(
  config: AppConfig,
  definitions: JobDefinition<any>[],
): RegisteredJob[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const registered: RegisteredJob[] = [];
  for (const definition of definitions) {
    const { name } = definition;
    if (!JOB_NAME.test(name)) problems.push(`job ${JSON.stringify(name)}: not a valid job name`);
    if (seen.has(name)) problems.push(`job ${name}: registered twice`);
    seen.add(name);
    const variable = scheduleVariableOf(name);
    const override = config.jobSchedules[variable];
    if (definition.schedule && cronProblem(definition.schedule))
      problems.push(`job ${name}: default schedule ${cronProblem(definition.schedule)}`);
    if (override !== undefined && definition.schedule === null)
      problems.push(`${variable}: ${name} runs only when enqueued and has no schedule`);
    const cron =
      definition.schedule === null
        ? null
        : override === 'off'
          ? null
          : (override ?? definition.schedule);
    registered.push({
      definition,
      entry: {
        name,
        description: definition.description,
        cron,
        scheduled: definition.schedule !== null,
        variable,
        timeZone: config.shopTimeZone,
        retry: definition.retry,
        expireInSeconds: definition.expireInSeconds,
      },
    });
  }
  const variables = new Set(registered.map((r) => r.entry.variable));
  for (const variable of Object.keys(config.jobSchedules))
    if (!variables.has(variable))
      problems.push(`${variable}: no such job (jobs: ${[...seen].join(', ')})`);
  if (problems.length)
    throw new ConfigError(`Invalid job configuration:\n  - ${problems.join('\n  - ')}`);
  return registered;
}
