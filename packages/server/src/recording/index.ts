/** Recording: rows from start to file, processing jobs, and the REST routes (live sessions decide when they record). */
export { recordingRoutes } from './routes.ts';
export { RecordingService } from './recording-service.ts';
export { RecordingsStore, toRecording } from './recordings-store.ts';
