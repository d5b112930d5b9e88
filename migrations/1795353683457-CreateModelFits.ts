import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateModelFits1795353683457 implements MigrationInterface {
    name = 'CreateModelFits1795353683457'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "model_fits" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "as_of" date NOT NULL, "time_unit" text NOT NULL, "purchase_model" text NOT NULL, "purchase_params" jsonb NOT NULL, "purchase_covariance" jsonb NOT NULL, "gamma_gamma" jsonb, "rfm_cuts" jsonb NOT NULL, "customers" integer NOT NULL, "repeat_customers" integer NOT NULL, "fitted_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "duration_ms" integer NOT NULL, CONSTRAINT "PK_1dd6efafbd38e358a4b0d91423d" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "model_fits_fitted_idx" ON "model_fits"  ("fitted_at", "id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."model_fits_fitted_idx"`);
        await queryRunner.query(`DROP TABLE "model_fits"`);
    }

}
