import type { TextColumns } from '../../common/personal-data';
export { ActionsService } from './actions.service';
export { createActionsLoaders } from './actions.loaders';
export { actionsResolverOnly } from './actions.compiled';
export {
  ActionsQueryResolver, CustomerActionsResolver, CustomerMomentResolver, NextBestActionResolver, ProductComplementResolver,
  ProductComplementsResolver, ProductRecommendationResolver, ReplenishmentCycleResolver,
} from './actions.resolver';
export { SegmentsService } from './segments.service';
export { SegmentsResolver } from './segments.resolver';

/**
 * Saved segments belong to no customer, but their filter, name or description may quote one (`search` by an email);
 * erasure redacts the erased person's email and phone wherever a saved segment quotes them (SegmentsService.redact).
 */
export const actionsTextColumns: TextColumns[] = [
  { table: 'saved_segments', customerKey: null, personal: { name: 'redacted', description: 'redacted', filter: 'redacted' }, notPersonal: {} },
];
