import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { IsDate, IsOptional, Length, MaxLength } from 'class-validator';
import { IDEMPOTENCY_KEY_DESCRIPTION } from '../../common/idempotency';
import { ConnectionArgs } from '../../common/pagination';
import {
  CommunicationChannel,
  CommunicationDirection,
  CommunicationOutcome,
  CommunicationPurpose,
} from './communication.types';

@InputType({ description: 'A contact to log.' })
export class LogCommunicationInput {
  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  @IsOptional()
  @Length(1, 200)
  idempotencyKey?: string | null;

  @Field(() => ID, { description: 'The customer.' })
  customerId: string;

  @Field(() => CommunicationChannel, { description: 'Channel.' })
  channel: CommunicationChannel;

  @Field(() => CommunicationDirection, { description: 'Direction.' })
  direction: CommunicationDirection;

  @Field(() => CommunicationPurpose, { description: 'Purpose.' })
  purpose: CommunicationPurpose;

  @Field(() => String, { nullable: true, description: 'Subject or summary.' })
  @IsOptional()
  @MaxLength(500)
  subject?: string | null;

  @Field(() => CommunicationOutcome, { nullable: true, description: 'Outcome.' })
  @IsOptional()
  outcome?: CommunicationOutcome | null;

  @Field(() => Date, { nullable: true, description: 'When; default now.' })
  @IsOptional()
  @IsDate()
  occurredAt?: Date | null;

  @Field(() => ID, { nullable: true, description: 'Related order (the customer’s).' })
  @IsOptional()
  orderId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Related complaint (the customer’s).' })
  @IsOptional()
  complaintId?: string | null;

  @Field(() => String, { nullable: true, description: 'Who handled it.' })
  @IsOptional()
  @Length(1, 200)
  agent?: string | null;
}

@ArgsType()
export class CustomerCommunicationsArgs extends ConnectionArgs {
  @Field(() => [CommunicationChannel], { nullable: true, description: 'Only these channels.' })
  @IsOptional()
  channels?: CommunicationChannel[] | null;
}
