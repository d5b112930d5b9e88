import { DataSource } from 'typeorm';
import { NotFoundError } from '../../common/errors';
import { erasePersonalColumns, TextColumns } from '../../common/personal-data';
import type { PersonalDataHandler } from '../../common/module-manifest';
import { CustomerService } from '../customers';

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
    private readonly textColumns: readonly TextColumns[],
    /** Each module's export and erasure hooks (its manifest's `personalData`). */
    private readonly handlers: readonly PersonalDataHandler[],
  ) {}

  async erase(customerId: string): Promise<{ customerId: string; erasedAt: Date }> {
    await this.dataSource.transaction(async (manager) => {
      const person = await this.customers.erase(manager, customerId);
      if (!person) throw new NotFoundError('Customer', customerId);
      await erasePersonalColumns(manager, this.textColumns, customerId);
      for (const handler of this.handlers)
        await handler.eraseInTransaction?.(manager, customerId, person.quotable);
    });
    for (const handler of this.handlers) await handler.afterErasure?.(customerId);
    const [{ erased_at }] = await this.dataSource.query(
      'select erased_at from customers where id = $1',
      [customerId],
    );
    return { customerId, erasedAt: erased_at };
  }

  async export(customerId: string): Promise<Record<string, unknown>> {
    const profile = await this.customers.exportRows(customerId);
    if (!profile.customer) throw new NotFoundError('Customer', customerId);
    const sections = await Promise.all(
      this.handlers.flatMap((handler) =>
        handler.exportRows ? [handler.exportRows(customerId)] : [],
      ),
    );
    return Object.assign({ exportedAt: new Date().toISOString(), ...profile }, ...sections);
  }
}
