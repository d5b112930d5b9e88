import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateApiKeys1795355572156 implements MigrationInterface {
    name = 'CreateApiKeys1795355572156'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "public_id" text NOT NULL, "name" text NOT NULL, "scopes" text array NOT NULL, "secret_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "rotated_from_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "api_keys_public_id_unique" ON "api_keys"  ("public_id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."api_keys_public_id_unique"`);
        await queryRunner.query(`DROP TABLE "api_keys"`);
    }

}
