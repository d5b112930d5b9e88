export { ActionsService } from './actions.service';
export { createActionsLoaders } from './actions.loaders';
export {
  ActionsQueryResolver, CustomerActionsResolver, NextBestActionResolver, ProductComplementResolver, ProductComplementsResolver,
  ProductRecommendationResolver,
} from './actions.resolver';
export { SegmentsService } from './segments.service';
export { SegmentsResolver } from './segments.resolver';
