import type { ResolverOnlyFields } from '../../compiled-reads';

/** What the actions module adds to covered types is computed in JS from several modules' data: no SQL projection. */
export const actionsResolverOnly: ResolverOnlyFields = {
  Customer: {
    replenishment:
      "purchase cycles (median gap, confidence) are computed in JS from each product's purchase days",
    recommendedProducts:
      'association rules ranked per customer in JS, minus what was bought; takes a `first` argument',
    moments:
      "calendar arithmetic at the request's clock, and birthdays and name days dropped item by item without pii:read",
    nextBestActions:
      "ranked in JS from every module's data, with consents, the quiet period and per-action scope checks",
  },
  Product: {
    complements: 'takes a `first` argument, which the compiler reads only on nested pages',
  },
};
