import type { ModuleManifest } from '../../common/module-manifest';
import { CustomerTimelineResolver } from './timeline.resolver';
import { TIMELINE_SOURCES } from './timeline-sources';
import { timelineResolverOnly } from './timeline.compiled';

/** Customer.timeline: no tables or services of its own, it merges the other modules' paged loaders. */
export const timelineModule = {
  name: 'timeline',
  entities: [],
  services: () => ({}),
  resolvers: () => [new CustomerTimelineResolver(TIMELINE_SOURCES)],
  resolverOnly: timelineResolverOnly,
} satisfies ModuleManifest;
