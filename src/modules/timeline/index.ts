import type { ModuleManifest } from '../../common/module-manifest';
import type { TimelineSource } from '../../common/timeline-source';
import { CustomerTimelineResolver } from './timeline.resolver';
import { assembleTimeline } from './timeline.types';
import { timelineResolverOnly } from './timeline.compiled';

/**
 * Customer.timeline: no tables or services of its own; it merges the pages of the sources the other modules
 * declare in their manifests (`timelineSources`), which the composition root hands it.
 */
export const timelineModule = {
  name: 'timeline',
  entities: [],
  services: ({ timelineSources }) => ({ timelineSources: assembleTimeline(timelineSources) }),
  resolvers: (s) => [new CustomerTimelineResolver(s.timelineSources)],
  resolverOnly: timelineResolverOnly,
} satisfies ModuleManifest<{ timelineSources: readonly TimelineSource[] }>;
