// Jobs (contract §9): pipelines of plugins over frames, with live telemetry and durable outcomes.
export { JobService, type JobCore, type JobServiceOptions } from './JobService.ts';
export { type JobRecord, jobRecordSchema, jobResponse, JOB_RECORD_KIND } from './JobRecord.ts';
export { type JobFrame, jobFrameSchema, jobInputSchema, type JobInput, MAX_JOB_FRAMES } from './jobInputSchema.ts';
export { type JobPlan, type JobStage, parseJobRequest } from './parseJobRequest.ts';
export { type DeviceChoice, resolveDevice, type StageDevice } from './resolveDevice.ts';
export { JobTelemetry, type JobTelemetryOptions, type TelemetrySink } from './JobTelemetry.ts';
export { mayRunPlugins, PLUGIN_COMMANDS } from './mayRunPlugins.ts';
export { sanitizeForEvent, type SanitizeLimits } from './sanitizeForEvent.ts';
export { sourcesOfInput } from './sourcesOfInput.ts';
export {
  IMAGE_OUTPUT_KEYS,
  type ImageOutputKey,
  type ImageOutputsJob,
  type ImageSidecarRef,
  type ImageSidecarStore,
  storeImageOutputs,
} from './storeImageOutputs.ts';
