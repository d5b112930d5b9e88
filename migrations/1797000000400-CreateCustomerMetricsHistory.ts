import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored metrics record the as-of they were computed for (`as_of`; until now `computed_at` held it, so it is
 * back-filled from there, and `computed_at` becomes the wall clock of the refresh), and every change of a customer's
 * stored metrics is kept in `customer_metrics_history`, newest first per customer by the page index.
 *
 * Back-fill: each stored row becomes its customer's first history row, with the cause UNRECORDED (stored before
 * causes were kept), and the `recorded_*` columns (what the next refresh compares with) start from the same values.
 */
export class CreateCustomerMetricsHistory1797000000400 implements MigrationInterface {
  name = 'CreateCustomerMetricsHistory1797000000400';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "customer_metrics_history" ("id" BIGSERIAL NOT NULL, "customer_id" uuid NOT NULL, "as_of" TIMESTAMP WITH TIME ZONE NOT NULL, "cause" text NOT NULL, "fit_id" uuid NOT NULL, "churn_level" text, "probability_alive" double precision, "predicted_clv_minor" bigint, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_196b037c7852a585ab2960d1afe" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "customer_metrics_history_page_idx" ON "customer_metrics_history"  ("customer_id", "as_of", "id") `);
    await queryRunner.query(`ALTER TABLE "customer_metrics" ADD "as_of" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`UPDATE "customer_metrics" SET "as_of" = "computed_at"`);
    await queryRunner.query(`ALTER TABLE "customer_metrics" ALTER COLUMN "as_of" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "customer_metrics" ADD "recorded_churn_level" text`);
    await queryRunner.query(`ALTER TABLE "customer_metrics" ADD "recorded_probability_alive" double precision`);
    await queryRunner.query(`ALTER TABLE "customer_metrics" ADD "recorded_predicted_clv_minor" bigint`);
    await queryRunner.query(
      `UPDATE "customer_metrics" SET "recorded_churn_level" = "churn_level", "recorded_probability_alive" = "probability_alive", "recorded_predicted_clv_minor" = "predicted_clv_minor"`,
    );
    await queryRunner.query(
      `INSERT INTO "customer_metrics_history" ("customer_id", "as_of", "cause", "fit_id", "churn_level", "probability_alive", "predicted_clv_minor", "recorded_at")
       SELECT "customer_id", "as_of", 'UNRECORDED', "fit_id", "churn_level", "probability_alive", "predicted_clv_minor", "computed_at" FROM "customer_metrics" ORDER BY "customer_id"`,
    );
    await queryRunner.query(`ALTER TABLE "customer_metrics_history" ADD CONSTRAINT "FK_1158a4bb50dd98d07ac538d8f67" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "customer_metrics_history" DROP CONSTRAINT "FK_1158a4bb50dd98d07ac538d8f67"`);
    await queryRunner.query(`ALTER TABLE "customer_metrics" DROP COLUMN "recorded_predicted_clv_minor"`);
    await queryRunner.query(`ALTER TABLE "customer_metrics" DROP COLUMN "recorded_probability_alive"`);
    await queryRunner.query(`ALTER TABLE "customer_metrics" DROP COLUMN "recorded_churn_level"`);
    await queryRunner.query(`UPDATE "customer_metrics" SET "computed_at" = "as_of"`);
    await queryRunner.query(`ALTER TABLE "customer_metrics" DROP COLUMN "as_of"`);
    await queryRunner.query(`DROP INDEX "public"."customer_metrics_history_page_idx"`);
    await queryRunner.query(`DROP TABLE "customer_metrics_history"`);
  }
}
