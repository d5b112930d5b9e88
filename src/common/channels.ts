/**
 * The channels we reach customers on: one vocabulary for communications, consents and actions. The GraphQL enums keep
 * their released names and values (CommunicationChannel has every channel; ConsentChannel and ContactChannel the ones
 * that need consent), each registered from a copy of these objects, since type-graphql knows an enum by its object.
 */
export const Channel = {
  EMAIL: 'EMAIL',
  SMS: 'SMS',
  PHONE: 'PHONE',
  CHAT: 'CHAT',
  PUSH: 'PUSH',
  LETTER: 'LETTER',
  IN_STORE: 'IN_STORE',
} as const;
export type Channel = (typeof Channel)[keyof typeof Channel];

/** The channels marketing needs the customer's consent on, and so the only ones an action may use. */
export const ConsentableChannel = {
  EMAIL: Channel.EMAIL,
  SMS: Channel.SMS,
  PHONE: Channel.PHONE,
  PUSH: Channel.PUSH,
} as const;
export type ConsentableChannel = (typeof ConsentableChannel)[keyof typeof ConsentableChannel];

export const CONSENTABLE_CHANNELS: readonly ConsentableChannel[] =
  Object.values(ConsentableChannel);

export const isConsentable = (channel: string): channel is ConsentableChannel =>
  (CONSENTABLE_CHANNELS as readonly string[]).includes(channel);
