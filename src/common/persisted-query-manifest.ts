import fs from 'node:fs';
import { createHash } from 'node:crypto';

// Domain-free (a JSON file in Apollo's format), so config.ts can validate TRUSTED_DOCUMENTS_FILE without importing
// the partners module, which enforces the documents (modules/partners/trusted-documents.ts).

/** The registered operations, by the SHA-256 of their text (the id automatic persisted queries use too). */
export interface TrustedDocuments {
  readonly byHash: ReadonlyMap<string, { name: string | null; body: string }>;
}

interface ManifestOperation {
  id?: unknown;
  name?: unknown;
  body?: unknown;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Reads a persisted-query manifest in Apollo's format (`@apollo/generate-persisted-query-manifest` writes it):
 * `{ format: "apollo-persisted-query-manifest", version: 1, operations: [{ id, name, type, body }] }`.
 * Every id must be the SHA-256 of its body, so a manifest cannot smuggle a document under another's hash.
 */
export function loadTrustedDocuments(file: string): TrustedDocuments {
  let manifest: { format?: unknown; version?: unknown; operations?: unknown };
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (
    manifest.format !== 'apollo-persisted-query-manifest' ||
    manifest.version !== 1 ||
    !Array.isArray(manifest.operations)
  ) {
    throw new Error(
      `${file} is not an apollo-persisted-query-manifest, version 1, with an operations list`,
    );
  }
  const byHash = new Map<string, { name: string | null; body: string }>();
  for (const [index, op] of (manifest.operations as ManifestOperation[]).entries()) {
    if (typeof op.body !== 'string' || typeof op.id !== 'string')
      throw new Error(`${file}: operation ${index} needs an id and a body`);
    if (sha256(op.body) !== op.id)
      throw new Error(
        `${file}: operation ${index} (${String(op.name)}) has an id that is not the SHA-256 of its body`,
      );
    byHash.set(op.id, { name: typeof op.name === 'string' ? op.name : null, body: op.body });
  }
  return { byHash };
}
