import 'reflect-metadata';
import fs from 'node:fs';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config';
import { createResolvers, createServices } from '../container';
import { createSchema, printCommittedSchema, SCHEMA_FILE } from '../schema';

/** The schema text from the code alone: services are built but never touch a database. */
export async function schemaFromCode(): Promise<string> {
  const config = loadConfig({});
  const services = createServices(config, new DataSource({ type: 'postgres' }));
  return printCommittedSchema(await createSchema(createResolvers(config, services)));
}

export async function writeSchemaFile(): Promise<string> {
  fs.writeFileSync(SCHEMA_FILE, await schemaFromCode());
  return SCHEMA_FILE;
}

if (require.main === module) {
  writeSchemaFile().then(
    (file) => console.log(`Wrote ${file}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
