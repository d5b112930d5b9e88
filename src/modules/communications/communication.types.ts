import { Field, ID, ObjectType } from 'type-graphql';
import { Channel } from '../../common/channels';
import { describeEnum } from '../../common/enums';
import { Connection } from '../../common/pagination';
import { Node, toGlobalId } from '../../common/relay';

export type CommunicationChannel = Channel;
export const CommunicationChannel = describeEnum(
  { ...Channel },
  'CommunicationChannel',
  'How we and the customer talked.',
  {
    EMAIL: 'Email.',
    SMS: 'Text message.',
    PHONE: 'Phone call.',
    CHAT: 'Chat or messenger.',
    PUSH: 'App push notification.',
    LETTER: 'Paper letter.',
    IN_STORE: 'Face to face in a store.',
  },
);

export enum CommunicationDirection {
  OUTBOUND = 'OUTBOUND',
  INBOUND = 'INBOUND',
}
describeEnum(CommunicationDirection, 'CommunicationDirection', 'Who started it.', {
  OUTBOUND: 'We contacted the customer.',
  INBOUND: 'The customer contacted us.',
});

export enum CommunicationPurpose {
  CAMPAIGN = 'CAMPAIGN',
  TRANSACTIONAL = 'TRANSACTIONAL',
  SUPPORT = 'SUPPORT',
  REMINDER = 'REMINDER',
  THANK_YOU = 'THANK_YOU',
}
describeEnum(CommunicationPurpose, 'CommunicationPurpose', 'Why.', {
  CAMPAIGN: 'Marketing campaign (needs consent on the channel).',
  TRANSACTIONAL: 'Order confirmation, shipping notice.',
  SUPPORT: 'Support conversation.',
  REMINDER: 'Reorder or appointment reminder.',
  THANK_YOU: 'Thanks to the customer.',
});

export enum CommunicationOutcome {
  DELIVERED = 'DELIVERED',
  OPENED = 'OPENED',
  CLICKED = 'CLICKED',
  REPLIED = 'REPLIED',
  BOUNCED = 'BOUNCED',
  NO_ANSWER = 'NO_ANSWER',
  RESOLVED = 'RESOLVED',
}
describeEnum(CommunicationOutcome, 'CommunicationOutcome', 'What came of it.', {
  DELIVERED: 'Delivered.',
  OPENED: 'Opened by the customer.',
  CLICKED: 'A link in it was clicked.',
  REPLIED: 'The customer replied.',
  BOUNCED: 'Could not be delivered.',
  NO_ANSWER: 'Call not answered.',
  RESOLVED: 'The customer’s issue was resolved.',
});

@ObjectType({ implements: Node, description: 'One contact with a customer, in either direction.' })
export class Communication extends Node {
  __typename: 'Communication';

  @Field(() => ID, { description: 'Database id (UUID).' })
  databaseId: string;

  customerId: string;
  orderId: string | null;
  complaintId: string | null;

  @Field(() => CommunicationChannel, { description: 'Channel.' })
  channel: CommunicationChannel;

  @Field(() => CommunicationDirection, { description: 'Direction.' })
  direction: CommunicationDirection;

  @Field(() => CommunicationPurpose, { description: 'Purpose.' })
  purpose: CommunicationPurpose;

  @Field(() => String, { nullable: true, description: 'Subject or summary.' })
  subject: string | null;

  @Field(() => CommunicationOutcome, { nullable: true, description: 'Outcome, when known.' })
  outcome: CommunicationOutcome | null;

  @Field({ description: 'When it happened.' })
  occurredAt: Date;

  @Field(() => String, { nullable: true, description: 'Who handled it (agent or campaign tool).' })
  agent: string | null;
}

export const CommunicationConnection = Connection(
  Communication,
  'CommunicationConnection',
  'communications',
);

export interface CommunicationRow {
  id: string;
  customer_id: string;
  channel: CommunicationChannel;
  direction: CommunicationDirection;
  purpose: CommunicationPurpose;
  subject: string | null;
  outcome: CommunicationOutcome | null;
  occurred_at: Date;
  order_id: string | null;
  complaint_id: string | null;
  agent: string | null;
}

export const toCommunication = (r: CommunicationRow): Communication => ({
  __typename: 'Communication',
  id: toGlobalId('Communication', r.id),
  databaseId: r.id,
  customerId: r.customer_id,
  orderId: r.order_id,
  complaintId: r.complaint_id,
  channel: r.channel,
  direction: r.direction,
  purpose: r.purpose,
  subject: r.subject,
  outcome: r.outcome,
  occurredAt: r.occurred_at,
  agent: r.agent,
});
