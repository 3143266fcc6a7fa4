/** Recording: session control, processing jobs, and the REST routes. */
export { RecordingController, type RecordingState } from './recording-controller.ts';
export { recordingRoutes } from './routes.ts';
export { RecordingService } from './recording-service.ts';
export { RecordingsStore, toRecording } from './recordings-store.ts';
