/** The ringing flow and the call log (its signaling requests are in ws/ringing-handlers.ts). */
export { CallLogStore } from './call-log-store.ts';
export { RingingService, type UserChannel } from './ringing-service.ts';
export { callLogRoutes } from './routes.ts';
