export { CustomerTimelineResolver } from './timeline.resolver';
export { TIMELINE_SOURCES } from './timeline-sources';
export { timelineResolverOnly } from './timeline.compiled';
