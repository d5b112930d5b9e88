import type { ResolverOnlyFields } from '../../compiled-reads';

export const timelineResolverOnly: ResolverOnlyFields = {
  Customer: {
    timeline:
      "merges five modules' sources into one keyset page whose subject is a union; the compiler reads no abstract types",
  },
};
