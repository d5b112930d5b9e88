import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Emails become unique regardless of case (stored as given, compared by lower()). Customers that already share
 * an email are not merged here (that needs a person's judgement): the earliest keeps it, and each later one keeps
 * its address under attributes.duplicateEmail with email emptied, so nothing is lost and they can be found
 * (`attributes ? 'duplicateEmail'`) and merged or corrected. down() puts those addresses back.
 */
export class CustomerEmailUniqueIgnoringCase1797000000000 implements MigrationInterface {
    name = 'CustomerEmailUniqueIgnoringCase1797000000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            WITH ranked AS (
                SELECT id, row_number() OVER (PARTITION BY lower(email) ORDER BY created_at, id) AS rank
                FROM "customers" WHERE email IS NOT NULL)
            UPDATE "customers" c SET attributes = c.attributes || jsonb_build_object('duplicateEmail', c.email), email = NULL, updated_at = now()
            FROM ranked WHERE ranked.id = c.id AND ranked.rank > 1`);
        await queryRunner.query(`DROP INDEX "public"."customers_email_idx"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "customers_email_lower_unique" ON "customers" ((lower(email)))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."customers_email_lower_unique"`);
        await queryRunner.query(`CREATE INDEX "customers_email_idx" ON "customers"  ("email") `);
        await queryRunner.query(`
            UPDATE "customers" SET email = attributes->>'duplicateEmail', attributes = attributes - 'duplicateEmail'
            WHERE attributes ? 'duplicateEmail' AND email IS NULL`);
    }

}
