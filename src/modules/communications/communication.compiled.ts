import {
  column,
  globalId,
  ResolverOnlyFields,
  timestamp,
  TypeProjections,
} from '../../compiled-reads';
import { CUSTOMER_COMMUNICATIONS_PAGE } from './communication.service';

/** Communication fields in SQL, each equal to what toCommunication makes of the row. */
export const communicationProjections: TypeProjections = {
  Customer: {
    communications: { kind: 'page', page: { ...CUSTOMER_COMMUNICATIONS_PAGE, parentKey: 'id' } },
  },
  Communication: {
    id: globalId('Communication'),
    databaseId: column('id'),
    channel: column('channel'),
    direction: column('direction'),
    purpose: column('purpose'),
    subject: column('subject'),
    outcome: column('outcome'),
    occurredAt: timestamp('occurred_at'),
    agent: column('agent'),
  },
};

export const communicationResolverOnly: ResolverOnlyFields = {
  Communication: {
    customer:
      'leads back to a customer, whose personal fields below the root need audit notes the compiler keeps only for root nodes',
    order:
      "not projected yet: the linked order would be a `one` projection with the orders module's Order fields",
    complaint:
      "not projected yet: the linked complaint would be a `one` projection with the feedback module's fields",
  },
};
