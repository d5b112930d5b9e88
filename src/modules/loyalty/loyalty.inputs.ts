import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsDate,
  IsInt,
  IsOptional,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IDEMPOTENCY_KEY_DESCRIPTION } from '../../common/idempotency';
import { ConnectionArgs } from '../../common/pagination';
import { TierBasis } from './loyalty.types';

@InputType({ description: 'A tier of the program.' })
export class LoyaltyTierInput {
  @Field({ description: 'Stable code, e.g. "GOLD" (capitals, digits and _).' })
  @Matches(/^[A-Z][A-Z0-9_]{0,31}$/, {
    message: 'code must be capitals, digits and _, such as GOLD',
  })
  code: string;

  @Field({ description: 'Display name.' })
  @Length(1, 100)
  name: string;

  @Field({
    description:
      'Threshold: whole points (POINTS_12M) or a decimal amount such as "500.00" (SPEND_12M).',
  })
  @Matches(/^\d{1,13}(\.\d{1,4})?$/, { message: 'threshold must be a non-negative number' })
  threshold: string;

  @Field(() => String, {
    nullable: true,
    description:
      'To keep the tier once in it (same unit as threshold, at most it); default the threshold.',
  })
  @IsOptional()
  @Matches(/^\d{1,13}(\.\d{1,4})?$/, {
    message: 'retentionThreshold must be a non-negative number',
  })
  retentionThreshold?: string | null;

  @Field(() => [String], { defaultValue: [], description: 'Benefits.' })
  @ArrayMaxSize(20)
  benefits: string[];
}

@InputType({
  description: 'The loyalty program’s settings; replaces the current ones (the ledger is kept).',
})
export class ConfigureLoyaltyProgramInput {
  @Field({ description: 'Name.' })
  @Length(1, 100)
  name: string;

  @Field(() => TierBasis, { description: 'What tiers are measured on.' })
  tierBasis: TierBasis;

  @Field(() => Int, {
    nullable: true,
    description: 'Months earned points stay valid; null: no expiry.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(120)
  pointsValidityMonths?: number | null;

  @Field(() => [LoyaltyTierInput], {
    description: 'Tiers (1 to 10), distinct codes and thresholds.',
  })
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  tiers: LoyaltyTierInput[];
}

@InputType({ description: 'Points to add, take or correct.' })
export class LoyaltyPointsInput {
  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  @IsOptional()
  @Length(1, 200)
  idempotencyKey?: string | null;

  @Field(() => ID, { description: 'The customer.' })
  customerId: string;

  @Field(() => Int, {
    description:
      'Points: positive for earn and redeem (the sign is implied); either sign for adjust.',
  })
  @IsInt()
  @Min(-10_000_000)
  @Max(10_000_000)
  points: number;

  @Field({ description: 'Why; shown in the ledger.' })
  @Length(1, 300)
  reason: string;

  @Field(() => ID, {
    nullable: true,
    description: 'Related order (earn only); an order earns once.',
  })
  @IsOptional()
  orderId?: string | null;

  @Field(() => Date, { nullable: true, description: 'When; default now.' })
  @IsOptional()
  @IsDate()
  occurredAt?: Date | null;
}

@ArgsType()
export class LedgerArgs extends ConnectionArgs {}
