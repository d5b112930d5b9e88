import { CustomerConsentEventEntity, CustomerEntity, CustomerIdentifierEntity } from '../modules/customers/customer.entity';
import { OrderEntity, OrderLineEntity, OrderReturnEntity, ProductEntity } from '../modules/orders/order.entity';
import { FeedbackEntity } from '../modules/feedback/feedback.entity';
import { CommunicationEntity } from '../modules/communications/communication.entity';
import {
  LoyaltyLedgerEntryEntity, LoyaltyMembershipEntity, LoyaltyProgramEntity, LoyaltyRuleVersionEntity, LoyaltyTierChangeEntity, LoyaltyTierEntity, StoreCreditEntryEntity,
} from '../modules/loyalty/loyalty.entity';

import { ModelFitEntity } from '../modules/metrics/model-fit.entity';
import { ProductAssociationEntity } from '../modules/actions/product-association.entity';
import { SavedSegmentEntity } from '../modules/actions/saved-segment.entity';
import { ApiKeyEntity } from '../modules/partners/api-key.entity';
import { AuditEventEntity } from '../modules/partners/audit-event.entity';
import { CustomerMetricsEntity } from '../modules/metrics/customer-metrics.entity';
import { IdempotencyKeyEntity } from '../common/idempotency-key.entity';

/** Every table TypeORM knows, for migrations and the drift check. */
export const ENTITIES = [
  CustomerEntity, CustomerIdentifierEntity, CustomerConsentEventEntity,
  ProductEntity, OrderEntity, OrderLineEntity, OrderReturnEntity,
  FeedbackEntity, CommunicationEntity,
  LoyaltyProgramEntity, LoyaltyTierEntity, LoyaltyLedgerEntryEntity, LoyaltyMembershipEntity, LoyaltyRuleVersionEntity, LoyaltyTierChangeEntity,
  StoreCreditEntryEntity, ModelFitEntity, ProductAssociationEntity, SavedSegmentEntity, ApiKeyEntity, AuditEventEntity, CustomerMetricsEntity,
  IdempotencyKeyEntity,
];
