import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import {
  ArrayMaxSize,
  IsDate,
  IsInt,
  IsOptional,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { Money } from '../../common/money';
import { OrderStatus } from '../orders';

@ObjectType({ description: 'A multiplier for one category, product (sku) or tier.' })
export class Multiplier {
  @Field({ description: 'Category name, sku or tier code.' }) name: string;
  @Field(() => Float, { description: 'Factor applied to the points, e.g. 2 for double points.' })
  multiplier: number;
}

@InputType({ description: 'A multiplier for one category, product (sku) or tier.' })
export class MultiplierInput {
  @Field({ description: 'Category name, sku or tier code.' }) @Length(1, 100) name: string;
  @Field(() => Float, { description: 'Factor from 0 to 100.' })
  @Min(0)
  @Max(100)
  multiplier: number;
}

@ObjectType({
  description:
    'One version of the earning rules; an order earns under the version in force when it was placed.',
})
export class LoyaltyRules {
  @Field(() => ID, { description: 'Rule version id.' }) id: string;
  @Field(() => Int, { description: 'Version number, from 1.' }) version: number;
  @Field({ description: 'Orders placed from this moment earn under this version.' })
  effectiveFrom: Date;
  @Field(() => Float, { description: 'Points per currency unit of net order value.' })
  pointsPerUnit: number;
  @Field(() => [Multiplier], { description: 'Per-category multipliers.' })
  categoryMultipliers: Multiplier[];
  @Field(() => [Multiplier], {
    description: 'Per-product (sku) multipliers, on top of the category’s.',
  })
  productMultipliers: Multiplier[];
  @Field(() => [Multiplier], { description: 'Per-tier multipliers.' })
  tierMultipliers: Multiplier[];
  @Field(() => Int, { description: 'Points for the first earning order.' }) welcomeBonus: number;
  @Field(() => Int, {
    description: 'Points on the birthday (granted by the scheduler; not yet automatic).',
  })
  birthdayBonus: number;
  @Field(() => Money, { description: 'Orders below this net value earn nothing.' }) minOrder: Money;
  @Field(() => [OrderStatus], {
    description: 'Statuses that earn; cancelled and returned orders never do.',
  })
  earningStatuses: OrderStatus[];
  @Field(() => Float, {
    description: 'What one point is worth in minor currency units (for the liability).',
  })
  pointValueMinor: number;
  @Field(() => Float, {
    description: 'Share of the net order value paid back as store credit, in percent.',
  })
  cashbackPercent: number;
}

@InputType({ description: 'A new version of the earning rules.' })
export class LoyaltyRulesInput {
  @Field(() => Date, { nullable: true, description: 'When it takes effect; default now.' })
  @IsOptional()
  @IsDate()
  effectiveFrom?: Date | null;
  @Field(() => Float, { description: 'Points per currency unit, 0 to 1000.' })
  @Min(0)
  @Max(1000)
  pointsPerUnit: number;
  @Field(() => [MultiplierInput], { defaultValue: [], description: 'Per-category multipliers.' })
  @ValidateNested({ each: true })
  @ArrayMaxSize(200)
  categoryMultipliers: MultiplierInput[];
  @Field(() => [MultiplierInput], { defaultValue: [], description: 'Per-sku multipliers.' })
  @ValidateNested({ each: true })
  @ArrayMaxSize(1000)
  productMultipliers: MultiplierInput[];
  @Field(() => [MultiplierInput], { defaultValue: [], description: 'Per-tier multipliers.' })
  @ValidateNested({ each: true })
  @ArrayMaxSize(20)
  tierMultipliers: MultiplierInput[];
  @Field(() => Int, { defaultValue: 0, description: 'Welcome bonus points.' })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  welcomeBonus: number;
  @Field(() => Int, { defaultValue: 0, description: 'Birthday bonus points.' })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  birthdayBonus: number;
  @Field({ defaultValue: '0', description: 'Minimum net order value that earns, e.g. "10.00".' })
  @Matches(/^\d{1,13}(\.\d{1,4})?$/)
  minOrder: string;
  @Field(() => [OrderStatus], {
    defaultValue: [OrderStatus.PLACED, OrderStatus.FULFILLED, OrderStatus.PARTIALLY_RETURNED],
    description: 'Statuses that earn.',
  })
  earningStatuses: OrderStatus[];
  @Field(() => Float, { defaultValue: 1, description: 'Value of a point in minor units.' })
  @Min(0)
  @Max(1_000_000)
  pointValueMinor: number;
  @Field(() => Float, {
    defaultValue: 0,
    description: 'Cashback as store credit, percent of the net order value, 0 to 50.',
  })
  @Min(0)
  @Max(50)
  cashbackPercent: number;
}
