/**
 * The three loads of `npm run bench -- api`, each as a GraphQL operation and as the hand-written floor: one SQL
 * statement that builds the same JSON in PostgreSQL. The bench checks that both give identical data first.
 * (The loyalty tier is left out: it is decided live from 12 months of spend with retention rules, which is
 * product logic, not something a floor statement should re-implement.)
 */
export interface Scenario {
  name: string;
  query: string;
  /** The floor's statement; $1 is the scenario's one variable. */
  floorSql: string;
  /** The variable for request number i (rotating over the sample). */
  variable(i: number): string;
  variables(value: string): Record<string, unknown>;
}

// Relay global ids (base64url of "Type:uuid", unpadded), money as exact decimals and UTC timestamps with
// milliseconds: what the GraphQL layer sends.
const gid = (type: string, column: string) =>
  `rtrim(translate(encode(convert_to('${type}:' || ${column}::text, 'UTF8'), 'base64'), '+/', '-_'), '=')`;
const amount = (minor: string) => `round(${minor} / 100.0, 2)::text`;
const iso = (ts: string) => `to_char(${ts} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The JSON of one customer with orders, lines, feedback, communications, loyalty and summary, for `c`. */
const customerJson = (currency: string) => `json_build_object(
  'id', ${gid('Customer', 'c.id')},
  'fullName', nullif(concat_ws(' ', c.given_name, c.family_name), ''),
  'email', c.email, 'country', c.country,
  'summary', (select json_build_object('orderCount', count(*)::int,
      'netSpent', json_build_object('amount', ${amount('coalesce(sum(o.net_minor - o.refunded_minor), 0)')}, 'currency', '${currency}'),
      'lastOrderAt', ${iso('max(o.placed_at)')})
    from orders o where o.customer_id = c.id and o.status <> 'CANCELLED'),
  'orders', json_build_object('nodes', coalesce((select json_agg(json_build_object(
      'id', ${gid('Order', 'o.id')}, 'externalRef', o.external_ref, 'placedAt', ${iso('o.placed_at')}, 'status', o.status,
      'net', json_build_object('amount', ${amount('o.net_minor')}),
      'lines', coalesce((select json_agg(json_build_object('quantity', l.quantity, 'lineTotal', json_build_object('amount', ${amount('l.line_total_minor')}),
          'product', (select json_build_object('sku', p.sku, 'name', p.name) from products p where p.id = l.product_id)) order by l.line_no)
        from order_lines l where l.customer_id = c.id and l.order_id = o.id), '[]'::json)) order by o.placed_at desc, o.id desc)
    from (select * from orders o where o.customer_id = c.id order by o.placed_at desc, o.id desc limit 5) o), '[]'::json)),
  'feedback', json_build_object('nodes', coalesce((select json_agg(json_build_object('id', ${gid('Feedback', 'f.id')}, 'kind', f.kind, 'score', f.score,
      'givenAt', ${iso('f.given_at')}) order by f.given_at desc, f.id desc)
    from (select * from feedback f where f.customer_id = c.id order by f.given_at desc, f.id desc limit 5) f), '[]'::json)),
  'communications', json_build_object('nodes', coalesce((select json_agg(json_build_object('id', ${gid('Communication', 'm.id')}, 'channel', m.channel,
      'purpose', m.purpose, 'occurredAt', ${iso('m.occurred_at')}) order by m.occurred_at desc, m.id desc)
    from (select * from communications m where m.customer_id = c.id order by m.occurred_at desc, m.id desc limit 5) m), '[]'::json)),
  'loyalty', json_build_object('balance', (select coalesce(sum(e.points), 0)::int from loyalty_ledger_entries e where e.customer_id = c.id)))`;

const CUSTOMER_FIELDS = `id fullName email country
  summary { orderCount netSpent { amount currency } lastOrderAt }
  orders(first: 5) { nodes { id externalRef placedAt status net { amount } lines { quantity lineTotal { amount } product { sku name } } } }
  feedback(first: 5) { nodes { id kind score givenAt } }
  communications(first: 5) { nodes { id channel purpose occurredAt } }
  loyalty { balance }`;

export function apiScenarios(
  currency: string,
  sample: { customerIds: string[]; countries: string[] },
): Scenario[] {
  return [
    {
      name: 'customer page (1 customer)',
      query: `query CustomerPage($id: ID!) { customer(id: $id) { ${CUSTOMER_FIELDS} } }`,
      floorSql: `select json_build_object('customer', (select ${customerJson(currency)} from customers c where c.id = $1::uuid)) as data`,
      variable: (i) => sample.customerIds[i % sample.customerIds.length],
      variables: (id) => ({ id }),
    },
    {
      name: 'page of 50 customers',
      query: `query CustomersPage($country: String!) { customers(first: 50, filter: { countries: [$country] }, orderBy: { field: SIGNUP_DATE, direction: DESC }) {
        nodes { ${CUSTOMER_FIELDS} } } }`,
      floorSql: `select json_build_object('customers', json_build_object('nodes', coalesce(json_agg(${customerJson(currency)} order by c.signup_at desc, c.id desc), '[]'::json))) as data
        from (select * from customers c where c.country = $1 order by c.signup_at desc, c.id desc limit 50) c`,
      variable: (i) => sample.countries[i % sample.countries.length],
      variables: (country) => ({ country }),
    },
    {
      name: 'filtered, sorted customers',
      query: `query BigSpenders($country: String!) { customers(first: 20, filter: { countries: [$country], totalSpentMin: "500.00" },
        orderBy: { field: TOTAL_SPENT, direction: DESC }) { totalCount nodes { id fullName summary { orderCount netSpent { amount } lastOrderAt } } } }`,
      floorSql: `select json_build_object('customers', json_build_object(
          'totalCount', (select count(*)::int from customers c where c.country = $1 and c.net_spent_minor >= 50000),
          'nodes', coalesce((select json_agg(json_build_object('id', ${gid('Customer', 'c.id')}, 'fullName', nullif(concat_ws(' ', c.given_name, c.family_name), ''),
            'summary', (select json_build_object('orderCount', count(*)::int,
              'netSpent', json_build_object('amount', ${amount('coalesce(sum(o.net_minor - o.refunded_minor), 0)')}), 'lastOrderAt', ${iso('max(o.placed_at)')})
              from orders o where o.customer_id = c.id and o.status <> 'CANCELLED')) order by c.net_spent_minor desc, c.id desc)
          from (select * from customers c where c.country = $1 and c.net_spent_minor >= 50000 order by c.net_spent_minor desc, c.id desc limit 20) c), '[]'::json))) as data`,
      variable: (i) => sample.countries[i % sample.countries.length],
      variables: (country) => ({ country }),
    },
  ];
}
