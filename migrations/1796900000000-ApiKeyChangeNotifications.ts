import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change to a key's row that can change its verdict (revoked, expired, re-scoped, deleted) is announced
 * on the channel c360_api_keys with the key's public id, whoever makes it: a server, the CLI, an operator's SQL.
 * Servers keep verified keys in memory only while they listen (see ApiKeyService).
 */
export class ApiKeyChangeNotifications1796900000000 implements MigrationInterface {
  name = 'ApiKeyChangeNotifications1796900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION api_keys_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('c360_api_keys', OLD.public_id);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER api_keys_announce_change
      AFTER UPDATE OF public_id, name, scopes, secret_hash, expires_at, revoked_at, trusted_documents_only OR DELETE ON api_keys
      FOR EACH ROW EXECUTE FUNCTION api_keys_announce_change()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER api_keys_announce_change ON api_keys');
    await queryRunner.query('DROP FUNCTION api_keys_announce_change()');
  }
}
