import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * New keys are announced on c360_api_keys too: servers keep unknown public ids in memory as well as known ones
 * (so that a lookup takes the same time whether a public id exists), and a key created elsewhere must not stay
 * "unknown" there.
 */
export class ApiKeyInsertNotifications1797000000100 implements MigrationInterface {
  name = 'ApiKeyInsertNotifications1797000000100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION api_keys_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM pg_notify('c360_api_keys', NEW.public_id);
        ELSE
          PERFORM pg_notify('c360_api_keys', OLD.public_id);
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER api_keys_announce_insert AFTER INSERT ON api_keys
      FOR EACH ROW EXECUTE FUNCTION api_keys_announce_change()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER api_keys_announce_insert ON api_keys');
    await queryRunner.query(`CREATE OR REPLACE FUNCTION api_keys_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('c360_api_keys', OLD.public_id);
        RETURN NULL;
      END $$`);
  }
}
