import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { IsDate, IsInt, IsOptional, Length, Max, MaxLength, Min } from 'class-validator';
import { IDEMPOTENCY_KEY_DESCRIPTION } from '../../common/idempotency';
import { ConnectionArgs } from '../../common/pagination';
import { FeedbackKind } from './feedback.types';

@InputType({ description: 'Feedback to record.' })
export class RecordFeedbackInput {
  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  @IsOptional()
  @Length(1, 200)
  idempotencyKey?: string | null;

  @Field(() => ID, { description: 'The customer.' })
  customerId: string;

  @Field(() => FeedbackKind, { description: 'Kind of feedback.' })
  kind: FeedbackKind;

  @Field(() => Int, {
    nullable: true,
    description: 'Score; required for NPS, CSAT and product reviews.',
  })
  @IsOptional()
  @IsInt()
  @Min(-100)
  @Max(100)
  score?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Lowest score of the scale (default: NPS 0, others 1).',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  scaleMin?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Highest score of the scale (default: NPS 10, others 5).',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  scaleMax?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'What the customer said; required for complaints and testimonials.',
  })
  @IsOptional()
  @MaxLength(10000)
  comment?: string | null;

  @Field(() => String, { nullable: true, description: 'Where it was given.' })
  @IsOptional()
  @Length(1, 100)
  touchpoint?: string | null;

  @Field(() => ID, { nullable: true, description: 'Related order (must be the customer’s).' })
  @IsOptional()
  orderId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Related product.' })
  @IsOptional()
  productId?: string | null;

  @Field(() => Date, { nullable: true, description: 'When; default now.' })
  @IsOptional()
  @IsDate()
  givenAt?: Date | null;
}

@ArgsType()
export class CustomerFeedbackArgs extends ConnectionArgs {
  @Field(() => [FeedbackKind], { nullable: true, description: 'Only these kinds.' })
  @IsOptional()
  kinds?: FeedbackKind[] | null;
}
