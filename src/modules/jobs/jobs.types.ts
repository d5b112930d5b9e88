import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum JobRunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  RETRYING = 'RETRYING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}

registerEnumType(JobRunStatus, {
  name: 'JobRunStatus',
  description: 'Where one run of a background job stands.',
  valuesConfig: {
    QUEUED: { description: 'Enqueued (or due), not started yet.' },
    RUNNING: { description: 'A server process is running it now.' },
    RETRYING: {
      description: 'An attempt failed; the next one waits for its backoff (nextAttemptAt).',
    },
    SUCCEEDED: { description: 'Finished without error.' },
    FAILED: {
      description: 'Its last allowed attempt failed (or its process died with no retry left).',
    },
    CANCELLED: { description: 'Cancelled before it finished.' },
  },
});

@ObjectType({ description: 'When a job runs by itself.' })
export class JobSchedule {
  @Field({ description: 'Whether the schedule is on (false: JOB_SCHEDULE_<JOB>=off).' })
  enabled: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'The cron expression in force (5 fields, or 6 with seconds first); null when off.',
  })
  cron: string | null;

  @Field({ description: 'The time zone the cron is read in (SHOP_TIME_ZONE).' })
  timeZone: string;

  @Field({ description: 'The environment variable that sets it (JOB_SCHEDULE_<JOB>).' })
  variable: string;
}

@ObjectType({ description: 'One run of a background job (a pg-boss job; kept about 7 days).' })
export class JobRun {
  @Field({ description: 'The run id (pg-boss job id).' })
  id: string;

  @Field(() => JobRunStatus, { description: 'Where the run stands.' })
  status: JobRunStatus;

  @Field({ description: 'When it was enqueued (for a scheduled run: when its slot was claimed).' })
  queuedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When its latest attempt started.' })
  startedAt: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When it finished (succeeded, failed for good or cancelled).',
  })
  finishedAt: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the next attempt may start: a waiting retry, or a run enqueued for later.',
  })
  nextAttemptAt: Date | null;

  @Field(() => Int, { description: 'Retries so far (0: first attempt).' })
  retryCount: number;

  @Field(() => Int, { description: 'Retries allowed after the first attempt.' })
  retryLimit: number;

  @Field(() => String, {
    nullable: true,
    description: 'The error message of the latest failed attempt (while retrying, or once failed).',
  })
  error: string | null;
}

@ObjectType({
  description: 'A background job of the server: scheduled, or run when code enqueues it.',
})
export class Job {
  @Field({ description: 'Its name (the pg-boss queue), e.g. metrics-refresh.' })
  name: string;

  @Field({ description: 'What it does.' })
  description: string;

  @Field(() => JobSchedule, {
    nullable: true,
    description: 'Its schedule; null for a job that runs only when enqueued.',
  })
  schedule: JobSchedule | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'The next due slot; a past one runs as soon as a server with jobs enabled ticks. Null: no schedule, or off.',
  })
  nextRunAt: Date | null;

  @Field(() => JobRun, {
    nullable: true,
    description: 'Its latest run (queued, running or finished).',
  })
  lastRun: JobRun | null;

  @Field(() => [JobRun], {
    description: 'Its latest runs, newest first (at most `runs` of the query).',
  })
  recentRuns: JobRun[];

  @Field(() => Int, { description: 'Retries after a failed first attempt.' })
  retryLimit: number;

  @Field(() => Int, {
    description: 'Seconds before the first retry; doubled each time when retryBackoff.',
  })
  retryDelaySeconds: number;

  @Field({ description: 'Whether retries back off exponentially.' })
  retryBackoff: boolean;

  @Field(() => Int, {
    description:
      'Seconds a run may take before its process is presumed dead and the run is redelivered.',
  })
  expireInSeconds: number;
}
