import { DataSource } from 'typeorm';
import { NotFoundError } from '../../common/errors';
import { erasePersonalColumns, TextColumns } from '../../common/personal-data';
import { CustomerService } from '../customers';
import { OrderService } from '../orders';
import { FeedbackService } from '../feedback';
import { CommunicationService } from '../communications';
import { LoyaltyService } from '../loyalty';
import { MetricsStoreService } from '../metrics';
import { SegmentsService } from '../actions';

/**
 * Data-subject requests. Erasure (Art. 17) empties every personal column in one transaction, as each module
 * classifies its text and jsonb columns (`textColumns`, from the manifests), and keeps the pseudonymous orders and
 * amounts, so totals and models stay right; export (Art. 15/20) returns everything held about one customer as
 * one JSON document.
 */
export class GdprService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly customers: CustomerService,
    private readonly orders: OrderService,
    private readonly feedback: FeedbackService,
    private readonly communications: CommunicationService,
    private readonly loyalty: LoyaltyService,
    private readonly metricsStore: MetricsStoreService,
    private readonly segments: SegmentsService,
    private readonly textColumns: readonly TextColumns[],
  ) {}

  async erase(customerId: string): Promise<{ customerId: string; erasedAt: Date }> {
    await this.dataSource.transaction(async (manager) => {
      const person = await this.customers.erase(manager, customerId);
      if (!person) throw new NotFoundError('Customer', customerId);
      await erasePersonalColumns(manager, this.textColumns, customerId);
      await this.segments.redact(manager, person.quotable);
    });
    await this.metricsStore.refreshCustomers([customerId]);
    const [{ erased_at }] = await this.dataSource.query('select erased_at from customers where id = $1', [customerId]);
    return { customerId, erasedAt: erased_at };
  }

  async export(customerId: string): Promise<Record<string, unknown>> {
    const profile = await this.customers.exportRows(customerId);
    if (!profile.customer) throw new NotFoundError('Customer', customerId);
    const [orders, feedback, communications, loyalty, [metrics]] = await Promise.all([
      this.orders.exportRows(customerId), this.feedback.exportRows(customerId), this.communications.exportRows(customerId),
      this.loyalty.exportRows(customerId), this.metricsStore.storedByCustomerIds([customerId]),
    ]);
    return { exportedAt: new Date().toISOString(), ...profile, ...orders, ...feedback, ...communications, ...loyalty, storedMetrics: metrics };
  }
}
