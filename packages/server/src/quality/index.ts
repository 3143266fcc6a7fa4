/** Network quality and call-quality timelines (issue 13): samples in, scores relayed, timelines out. */
export { CallQualityReader } from './call-quality-reader.ts';
export { QualityRetention } from './quality-retention.ts';
export { QualityService } from './quality-service.ts';
export { QualityStore } from './quality-store.ts';
export { qualityRoutes } from './routes.ts';
