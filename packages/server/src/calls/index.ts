/** The ringing flow and the call log. */
export { CallLogStore } from './call-log-store.ts';
export { ringingHandlers } from './ringing-handlers.ts';
export { RingingService, type UserChannel } from './ringing-service.ts';
export { callLogRoutes } from './routes.ts';
