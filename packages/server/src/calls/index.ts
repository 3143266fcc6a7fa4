/** The ringing flow and the call log (its signaling requests are in ws/ringing-handlers.ts). */
export { CallLogReader } from './call-log-reader.ts';
export { CallLogWriter } from './call-log-writer.ts';
export { RingingService, type UserChannel } from './ringing-service.ts';
export { callLogRoutes } from './routes.ts';
