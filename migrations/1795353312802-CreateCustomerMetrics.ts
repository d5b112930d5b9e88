import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateCustomerMetrics1795353312802 implements MigrationInterface {
    name = 'CreateCustomerMetrics1795353312802'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "customer_metrics" ("customer_id" uuid NOT NULL, "fit_id" uuid NOT NULL, "probability_alive" double precision, "predicted_clv_minor" bigint, "churn_score" double precision, "churn_level" text, "rfm_segment" text, "expected_next_order_at" TIMESTAMP WITH TIME ZONE, "computed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_c5195aa4470cbb0fdf4b15cdd6a" PRIMARY KEY ("customer_id"))`);
        await queryRunner.query(`CREATE INDEX "customer_metrics_segment_idx" ON "customer_metrics"  ("rfm_segment", "customer_id") `);
        await queryRunner.query(`CREATE INDEX "customer_metrics_churn_idx" ON "customer_metrics"  ("churn_level", "customer_id") `);
        await queryRunner.query(`CREATE INDEX "customer_metrics_clv_idx" ON "customer_metrics"  ("predicted_clv_minor", "customer_id") `);
        await queryRunner.query(`ALTER TABLE "customer_metrics" ADD CONSTRAINT "FK_c5195aa4470cbb0fdf4b15cdd6a" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "customer_metrics" DROP CONSTRAINT "FK_c5195aa4470cbb0fdf4b15cdd6a"`);
        await queryRunner.query(`DROP INDEX "public"."customer_metrics_clv_idx"`);
        await queryRunner.query(`DROP INDEX "public"."customer_metrics_churn_idx"`);
        await queryRunner.query(`DROP INDEX "public"."customer_metrics_segment_idx"`);
        await queryRunner.query(`DROP TABLE "customer_metrics"`);
    }

}
