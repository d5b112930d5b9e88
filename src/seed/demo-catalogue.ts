/** Demo products, personas and the loyalty program: invented for the demo, chosen so every feature has data. */

export interface DemoProduct {
  sku: string;
  name: string;
  category: string;
  priceMinor: number;
  /** Months (1–12) when it sells best; empty: all year. */
  season: number[];
}

export const PRODUCTS: DemoProduct[] = [
  {
    sku: 'COF-ESP-1KG',
    name: 'Espresso beans 1 kg',
    category: 'coffee',
    priceMinor: 2490,
    season: [],
  },
  {
    sku: 'COF-FLT-500',
    name: 'Filter coffee 500 g',
    category: 'coffee',
    priceMinor: 1190,
    season: [],
  },
  {
    sku: 'COF-DEC-500',
    name: 'Decaf beans 500 g',
    category: 'coffee',
    priceMinor: 1390,
    season: [],
  },
  {
    sku: 'COF-FILTERS',
    name: 'Paper filters x100',
    category: 'coffee accessories',
    priceMinor: 390,
    season: [],
  },
  {
    sku: 'COF-GRINDER',
    name: 'Burr grinder',
    category: 'coffee accessories',
    priceMinor: 8900,
    season: [11, 12],
  },
  {
    sku: 'TEA-GREEN',
    name: 'Green tea 100 g',
    category: 'tea',
    priceMinor: 890,
    season: [1, 2, 11, 12],
  },
  {
    sku: 'BATH-TILE-M2',
    name: 'Ceramic wall tiles (10 m²)',
    category: 'bathroom tiles',
    priceMinor: 24900,
    season: [3, 4, 5, 9, 10],
  },
  {
    sku: 'BATH-TUB',
    name: 'Acrylic bathtub',
    category: 'bathroom fixtures',
    priceMinor: 38900,
    season: [],
  },
  {
    sku: 'BATH-SINK',
    name: 'Washbasin',
    category: 'bathroom fixtures',
    priceMinor: 12900,
    season: [],
  },
  {
    sku: 'BATH-CABINET',
    name: 'Vanity cabinet',
    category: 'bathroom furniture',
    priceMinor: 21900,
    season: [],
  },
  {
    sku: 'BATH-TAPS',
    name: 'Mixer taps',
    category: 'bathroom fixtures',
    priceMinor: 8900,
    season: [],
  },
  {
    sku: 'BATH-SHOWER',
    name: 'Shower set',
    category: 'bathroom fixtures',
    priceMinor: 15900,
    season: [],
  },
  {
    sku: 'SHOE-BOOT-W',
    name: 'Winter boots',
    category: 'winter footwear',
    priceMinor: 11900,
    season: [10, 11, 12, 1],
  },
  {
    sku: 'SHOE-POLISH',
    name: 'Shoe polish',
    category: 'shoe care',
    priceMinor: 690,
    season: [10, 11, 12, 1],
  },
  {
    sku: 'SHOE-SNEAKER',
    name: 'Running sneakers',
    category: 'footwear',
    priceMinor: 8900,
    season: [4, 5, 6],
  },
  {
    sku: 'SHOE-SANDAL',
    name: 'Sandals',
    category: 'summer footwear',
    priceMinor: 4900,
    season: [6, 7, 8],
  },
  {
    sku: 'TECH-PHONE',
    name: 'Smartphone',
    category: 'phones',
    priceMinor: 49900,
    season: [11, 12],
  },
  {
    sku: 'TECH-CASE',
    name: 'Phone case',
    category: 'phone accessories',
    priceMinor: 1990,
    season: [],
  },
  {
    sku: 'TECH-CHARGER',
    name: 'Fast charger',
    category: 'phone accessories',
    priceMinor: 2490,
    season: [],
  },
  {
    sku: 'TECH-EARBUDS',
    name: 'Wireless earbuds',
    category: 'audio',
    priceMinor: 7900,
    season: [11, 12],
  },
  {
    sku: 'GARDEN-SEEDS',
    name: 'Vegetable seeds set',
    category: 'garden',
    priceMinor: 990,
    season: [2, 3, 4],
  },
  {
    sku: 'GARDEN-HOSE',
    name: 'Garden hose 25 m',
    category: 'garden',
    priceMinor: 3490,
    season: [4, 5, 6],
  },
  {
    sku: 'GARDEN-SOIL',
    name: 'Potting soil 50 l',
    category: 'garden',
    priceMinor: 1290,
    season: [3, 4, 5],
  },
  { sku: 'TOY-BLOCKS', name: 'Building blocks', category: 'toys', priceMinor: 3990, season: [12] },
  {
    sku: 'TOY-PUZZLE',
    name: 'Puzzle 1000 pieces',
    category: 'toys',
    priceMinor: 1990,
    season: [12, 1],
  },
  { sku: 'BOOK-COOK', name: 'Cookbook', category: 'books', priceMinor: 2990, season: [12] },
];

export interface Persona {
  name: string;
  weight: number;
  /** Skus this persona buys, first-purchase candidates first. */
  starters: string[];
  /** Skus that follow a starter (complementary purchases). */
  followers: Record<string, string[]>;
  /** A product bought again on a cycle (days), for reorder reminders. */
  cycle?: { sku: string; days: number };
  discountHunter?: boolean;
  returnRate: number;
}

export const PERSONAS: Persona[] = [
  {
    name: 'coffee regular',
    weight: 25,
    starters: ['COF-ESP-1KG', 'COF-FLT-500'],
    followers: {
      'COF-ESP-1KG': ['COF-GRINDER', 'COF-FILTERS'],
      'COF-FLT-500': ['COF-FILTERS', 'TEA-GREEN'],
    },
    cycle: { sku: 'COF-ESP-1KG', days: 60 },
    returnRate: 0.01,
  },
  {
    name: 'renovator',
    weight: 10,
    starters: ['BATH-TILE-M2'],
    followers: {
      'BATH-TILE-M2': ['BATH-TUB', 'BATH-SINK', 'BATH-CABINET', 'BATH-TAPS', 'BATH-SHOWER'],
    },
    returnRate: 0.06,
  },
  {
    name: 'shoe lover',
    weight: 20,
    starters: ['SHOE-BOOT-W', 'SHOE-SNEAKER', 'SHOE-SANDAL'],
    followers: { 'SHOE-BOOT-W': ['SHOE-POLISH'], 'SHOE-SNEAKER': ['SHOE-SANDAL'] },
    returnRate: 0.15,
  },
  {
    name: 'gadget fan',
    weight: 15,
    starters: ['TECH-PHONE', 'TECH-EARBUDS'],
    followers: { 'TECH-PHONE': ['TECH-CASE', 'TECH-CHARGER', 'TECH-EARBUDS'] },
    returnRate: 0.05,
  },
  {
    name: 'gardener',
    weight: 15,
    starters: ['GARDEN-SEEDS', 'GARDEN-SOIL'],
    followers: { 'GARDEN-SEEDS': ['GARDEN-HOSE', 'GARDEN-SOIL'] },
    cycle: { sku: 'GARDEN-SOIL', days: 90 },
    returnRate: 0.02,
  },
  {
    name: 'bargain hunter',
    weight: 15,
    starters: ['TOY-BLOCKS', 'TOY-PUZZLE', 'BOOK-COOK', 'TECH-CASE'],
    followers: { 'TOY-BLOCKS': ['TOY-PUZZLE'] },
    discountHunter: true,
    returnRate: 0.12,
  },
];

export const TIERS = [
  { code: 'MEMBER', name: 'Member', threshold: '0', benefits: ['1 point per currency unit'] },
  { code: 'SILVER', name: 'Silver', threshold: '300.00', benefits: ['Free shipping'] },
  {
    code: 'GOLD',
    name: 'Gold',
    threshold: '1000.00',
    benefits: ['Free shipping', 'Early access to sales'],
  },
  {
    code: 'PLATINUM',
    name: 'Platinum',
    threshold: '3000.00',
    benefits: ['Free shipping', 'Early access to sales', 'Personal shopper'],
  },
];

/**
 * The demo's earning rules: a point per currency unit, double on coffee and tea (the regulars' products), a welcome
 * bonus with the first order and a birthday bonus. No tier multiplier: the history's tiers are evaluated after it,
 * so its earnings could not know them.
 */
export const DEMO_EARNING_RULES = {
  pointsPerUnit: 1,
  categoryMultipliers: { coffee: 2, tea: 2 } as Record<string, number>,
  productMultipliers: {} as Record<string, number>,
  tierMultipliers: {} as Record<string, number>,
  welcomeBonus: 100,
  birthdayBonus: 250,
  minOrder: 0n,
  earningStatuses: ['PLACED', 'FULFILLED', 'PARTIALLY_RETURNED'],
  pointValueMinor: 1,
  cashbackPercent: 0,
};
