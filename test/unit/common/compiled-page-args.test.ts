import 'reflect-metadata';
import { hasConstraints } from '../../../src/common/validation';
import { CustomerOrdersArgs } from '../../../src/modules/orders/order.inputs';
import { CustomerFeedbackArgs } from '../../../src/modules/feedback/feedback.inputs';
import { CustomerCommunicationsArgs } from '../../../src/modules/communications/communication.inputs';

// The compiled reads page these connections with their arguments as coerced by GraphQL and checked by
// resolvePageWindow; they run no class-validator rules. A rule added to one of these classes must be checked
// there too (or the projection removed), and this test is what says so.
describe('arguments of the nested pages the compiled reads serve', () => {
  it.each([CustomerOrdersArgs, CustomerFeedbackArgs, CustomerCommunicationsArgs])(
    '%p has no validation rule beyond @IsOptional',
    (type) => {
      expect(hasConstraints(type)).toBe(false);
    },
  );
});
