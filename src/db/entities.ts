import { EVENT_ENTITIES } from '../modules/events/outbox-event.entity';
import { CUSTOMER_ENTITIES } from '../modules/customers/customer.entity';
import { ORDER_ENTITIES } from '../modules/orders/order.entity';
import { FEEDBACK_ENTITIES } from '../modules/feedback/feedback.entity';
import { COMMUNICATION_ENTITIES } from '../modules/communications/communication.entity';
import { LOYALTY_ENTITIES } from '../modules/loyalty/loyalty.entity';
import { METRICS_ENTITIES } from '../modules/metrics/customer-metrics.entity';
import { ACTIONS_ENTITIES } from '../modules/actions/saved-segment.entity';
import { PARTNER_ENTITIES } from '../modules/partners/api-key.entity';
import { JOBS_ENTITIES } from '../modules/jobs/job-schedule.entity';
import { WEBHOOK_ENTITIES } from '../modules/webhooks/webhook.entity';
import { IdempotencyKeyEntity } from '../common/idempotency-key.entity';

/**
 * Every table TypeORM knows, for migrations and the drift check: each module's own list (its manifest's `entities`,
 * the same array), imported from its entity file so that the migration CLI (ormconfig.ts) loads no resolver or
 * service. One line per module, never a module's classes; a test checks this equals the manifests' entities.
 */
export const ENTITIES = [
  ...EVENT_ENTITIES,
  ...CUSTOMER_ENTITIES,
  ...ORDER_ENTITIES,
  ...FEEDBACK_ENTITIES,
  ...COMMUNICATION_ENTITIES,
  ...LOYALTY_ENTITIES,
  ...METRICS_ENTITIES,
  ...ACTIONS_ENTITIES,
  ...PARTNER_ENTITIES,
  ...JOBS_ENTITIES,
  ...WEBHOOK_ENTITIES,
  IdempotencyKeyEntity,
];
