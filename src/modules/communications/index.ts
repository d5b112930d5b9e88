import { COMMUNICATION_PUBLIC_EVENTS } from './communication.events';
import type { TextColumns } from '../../common/personal-data';
import type { ModuleManifest } from '../../common/module-manifest';
import type { CustomerService } from '../customers';
import type { OrderService } from '../orders';
import type { FeedbackService } from '../feedback';
import { CommunicationService } from './communication.service';
import { createCommunicationLoaders } from './communication.loaders';
import { CommunicationResolver, CustomerCommunicationsResolver } from './communication.resolver';
import { communicationProjections, communicationResolverOnly } from './communication.compiled';
import { COMMUNICATION_ENTITIES } from './communication.entity';
import { communicationTimelineSource } from './communication.timeline';
export { CommunicationService } from './communication.service';
export { Communication } from './communication.types';

/** The contact history keeps its shape after erasure (channel, purpose, outcome); subjects and agents go. */
const communicationTextColumns: TextColumns[] = [
  {
    table: 'communications',
    customerKey: 'customer_id',
    personal: { subject: 'null', agent: 'null' },
    notPersonal: {
      channel: 'CommunicationChannel code',
      direction: 'INBOUND or OUTBOUND',
      purpose: 'CommunicationPurpose code',
      outcome: 'CommunicationOutcome code',
    },
  },
];

export const communicationsModule = {
  name: 'communications',
  entities: COMMUNICATION_ENTITIES,
  publicEvents: COMMUNICATION_PUBLIC_EVENTS,
  services: ({ dataSource, events }, { customers, orders, feedback }) => ({
    communications: new CommunicationService(dataSource, customers, orders, feedback, events),
  }),
  resolvers: (s) => [
    new CommunicationResolver(s.communications),
    new CustomerCommunicationsResolver(),
  ],
  loaders: { key: 'communications', create: (s) => createCommunicationLoaders(s.communications) },
  projections: () => communicationProjections,
  resolverOnly: communicationResolverOnly,
  nodeTypes: {
    Communication: {
      scope: 'communications:read',
      fetch: (ctx, id) => ctx.loaders.communications.byId.load(id),
    },
  },
  textColumns: communicationTextColumns,
  personalData: (s) => ({ exportRows: (id) => s.communications.exportRows(id) }),
  timelineSources: [communicationTimelineSource],
} satisfies ModuleManifest<
  { communications: CommunicationService },
  { customers: CustomerService; orders: OrderService; feedback: FeedbackService }
>;
