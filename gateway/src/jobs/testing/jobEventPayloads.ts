import { EVENT_PAYLOAD_SCHEMAS } from '@easel/schemas';
import type { z } from 'zod';

/**
 * The events a job emits (contract §9) and the payload schema of each: what the tests of jobs
 * check every job event against, in process and on the wire. A type not listed is unexpected.
 */
export const JOB_EVENT_PAYLOADS: Readonly<Record<string, z.ZodType>> = {
  progress: EVENT_PAYLOAD_SCHEMAS.progress,
  plugin_status: EVENT_PAYLOAD_SCHEMAS.plugin_status,
  frame: EVENT_PAYLOAD_SCHEMAS.frame,
  partial_result: EVENT_PAYLOAD_SCHEMAS.partial_result,
  warning: EVENT_PAYLOAD_SCHEMAS.warning,
  error: EVENT_PAYLOAD_SCHEMAS.error,
  job_completed: EVENT_PAYLOAD_SCHEMAS.job_completed,
};
