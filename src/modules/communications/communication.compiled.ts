import { column, globalId, timestamp, TypeProjections } from '../../common/compiled-reads';
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
