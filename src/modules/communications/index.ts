export { CommunicationService } from './communication.service';
export { Communication } from './communication.types';
export { createCommunicationLoaders } from './communication.loaders';
export { CommunicationResolver, CustomerCommunicationsResolver } from './communication.resolver';
export { communicationProjections } from './communication.compiled';
