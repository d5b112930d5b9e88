import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateSavedSegments1795354678678 implements MigrationInterface {
    name = 'CreateSavedSegments1795354678678'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "saved_segments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "description" text, "filter" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8e02ad001bbe629d9e0116cc3ee" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "saved_segments_name_unique" ON "saved_segments"  ("name") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."saved_segments_name_unique"`);
        await queryRunner.query(`DROP TABLE "saved_segments"`);
    }

}
