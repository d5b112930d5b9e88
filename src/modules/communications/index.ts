import type { TextColumns } from '../../common/personal-data';
export { CommunicationService } from './communication.service';
export { Communication } from './communication.types';
export { createCommunicationLoaders } from './communication.loaders';
export { CommunicationResolver, CustomerCommunicationsResolver } from './communication.resolver';
export { communicationProjections, communicationResolverOnly } from './communication.compiled';

/** The contact history keeps its shape after erasure (channel, purpose, outcome); subjects and agents go. */
export const communicationTextColumns: TextColumns[] = [
  { table: 'communications', customerKey: 'customer_id', personal: { subject: 'null', agent: 'null' },
    notPersonal: { channel: 'CommunicationChannel code', direction: 'INBOUND or OUTBOUND', purpose: 'CommunicationPurpose code', outcome: 'CommunicationOutcome code' } },
];
