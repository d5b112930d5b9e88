import { Arg, Int, Query, Resolver } from 'type-graphql';
import { RequireScopes } from '../../common/require-scopes';
import { BadUserInputError } from '../../common/errors';
import { Job } from './jobs.types';
import type { JobsService } from './jobs.service';

@Resolver(() => Job)
export class JobsResolver {
  constructor(private readonly jobsAdmin: JobsService) {}

  @RequireScopes('admin')
  @Query(() => [Job], {
    description:
      'The background jobs (admin): schedules, next and last runs, retries and errors (see docs/jobs.md).',
  })
  async jobs(
    @Arg('runs', () => Int, {
      defaultValue: 5,
      description: 'How many recent runs of each job to list in recentRuns (1 to 50).',
    })
    runs: number,
  ) {
    if (runs < 1 || runs > 50)
      throw new BadUserInputError('runs must be 1 to 50', { field: 'runs' });
    return (await this.jobsAdmin.list(runs)).map((j) => ({
      ...j,
      schedule: j.scheduled
        ? { enabled: j.cron !== null, cron: j.cron, timeZone: j.timeZone, variable: j.variable }
        : null,
    }));
  }
}
