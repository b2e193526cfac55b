// Trusted documents (TRUSTED_DOCUMENTS): a frontend's operations, known in advance from the
// manifest its codegen writes (`persisted-documents.json` of @graphql-codegen/client-preset: sha256
// → document). In this mode other documents are refused, except from ADMIN tokens (analysts in
// GraphiQL), and a client may send an operation by its hash alone.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Viewer } from '../../auth/viewer.js';
import type { RequestContext } from '../../context/request-context.js';
import { TokenRole } from '../../entities/enums.js';

/** `extensions.code` of a document that is not in the manifest. */
export const PERSISTED_QUERY_NOT_IN_LIST = 'PERSISTED_QUERY_NOT_IN_LIST';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The manifest's documents by their SHA-256 (hex), checked against their text when loaded. */
export class TrustedDocuments {
  private constructor(private readonly byHash: ReadonlyMap<string, string>) {}

  /** Reads a manifest: `{ "sha256:<hex>": "<document>" }` (keys may also be bare hashes). */
  static load(file: string): TrustedDocuments {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`TRUSTED_DOCUMENTS: cannot read ${file}: ${(error as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new Error(`TRUSTED_DOCUMENTS: ${file} must be a JSON object of hash → document`);
    }
    const byHash = new Map<string, string>();
    for (const [key, document] of Object.entries(parsed)) {
      const hash = key.replace(/^sha256:/, '');
      if (typeof document !== 'string' || sha256(document) !== hash) {
        throw new Error(`TRUSTED_DOCUMENTS: ${file}: the document of ${key} does not have that SHA-256`);
      }
      byHash.set(hash, document);
    }
    return new TrustedDocuments(byHash);
  }

  get size(): number {
    return this.byHash.size;
  }

  /** The document a client names by hash (`sha256:<hex>` or bare hex), if trusted. */
  document(id: string): string | undefined {
    return this.byHash.get(id.replace(/^sha256:/, ''));
  }

  /** Whether the viewer may run this document: it is in the manifest, or the viewer is an ADMIN. */
  allows(documentHash: string, viewer: Viewer | null): boolean {
    return this.byHash.has(documentHash) || viewer?.role === TokenRole.ADMIN;
  }

  /** The refusal of a document outside the manifest. */
  refusal(): GraphQLError {
    return new GraphQLError(
      'This server runs only the operations its clients registered in advance (trusted documents); send one of those, by its hash or text. ADMIN tokens may send any operation.',
      { extensions: { code: PERSISTED_QUERY_NOT_IN_LIST, http: { status: 400 } } },
    );
  }

  /**
   * Fills in the text of a request that names its operation by hash alone: the GraphQL-over-HTTP
   * `documentId`, or Apollo's `extensions.persistedQuery.sha256Hash` (then Apollo checks the hash).
   */
  complete(request: { query?: unknown; documentId?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } }): void {
    if (typeof request.query === 'string') return;
    const id = typeof request.documentId === 'string' ? request.documentId : request.extensions?.persistedQuery?.sha256Hash;
    if (typeof id !== 'string') return;
    const document = this.document(id);
    if (document !== undefined) request.query = document;
  }

  static hashOf(document: string): string {
    return sha256(document);
  }
}

/** Refuses documents outside the manifest before anything is resolved (ADMIN tokens excepted). */
export function trustedDocumentsPlugin(trusted: TrustedDocuments): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        // Apollo reports errors of this hook as the operation's (an earlier hook's would be a 500).
        async didResolveOperation({ queryHash, contextValue }) {
          if (!trusted.allows(queryHash, contextValue.viewer)) throw trusted.refusal();
        },
      };
    },
  };
}
